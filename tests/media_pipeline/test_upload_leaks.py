"""A full upload through the site leaves no identifier in storage, logs or rows."""

import pytest
from django.core import serializers
from pydicom import dcmread
from pydicom.uid import generate_uid
from wagtail.models import PageLogEntry, Revision

from media_pipeline.models import (
    CaseMediaContext,
    MediaInstance,
    MediaItem,
    Upload,
    UploadedFile,
    UploadStatus,
)
from tests.media_pipeline.media_files import MARKERS, dicom_bytes, photo_with_gps, zip_of

pytestmark = pytest.mark.django_db

FILE_NAME_MARKER = "MARKERFILEQX"


def _header_slice(data: bytes) -> bytes:
    """32 bytes of the original header right after the Part 10 preamble and magic."""
    return data[200:232]


def test_full_upload_leaks_nothing(author, case, media_env, upload, captured_logs):
    study, series = generate_uid(), generate_uid()
    sop_uids = [generate_uid() for _ in range(3)]
    slices = [
        dicom_bytes(study_uid=study, series_uid=series, instance_number=n, sop_uid=sop_uids[n])
        for n in range(3)
    ]
    files = {
        f"{FILE_NAME_MARKER}_slice0.dcm": slices[0],
        f"{FILE_NAME_MARKER}_photo.jpg": photo_with_gps(),
        f"{FILE_NAME_MARKER}_study.zip": zip_of(
            {f"{FILE_NAME_MARKER}/IM1": slices[1], f"{FILE_NAME_MARKER}/IM2": slices[2]}
        ),
    }
    response = upload(case, files, user=author)

    assert response.status_code == 202
    # Only the uploader's own response may echo the names back.
    assert [row["name"] for row in response.json()["files"]] == list(files)
    statuses = list(UploadedFile.objects.values_list("status", flat=True))
    assert statuses == [UploadStatus.READY] * 3

    series_item = MediaItem.objects.get(kind="series")
    numbers = list(series_item.instances.values_list("instance_number", flat=True))
    assert numbers == [0, 1, 2]
    assert MediaItem.objects.filter(kind="photo").count() == 1

    forbidden = [m.encode() for m in MARKERS] + [FILE_NAME_MARKER.encode()]
    forbidden += [uid.encode() for uid in (*sop_uids, study, series)]
    forbidden += [_header_slice(data) for data in slices]
    stored = media_env.stored_files()
    assert len(stored) == MediaInstance.objects.count() * 3
    for path in stored:
        data = path.read_bytes()
        assert FILE_NAME_MARKER not in str(path)
        for needle in forbidden:
            assert needle not in data, (path.name, needle)
    for record in captured_logs:
        text = record.getMessage() + repr(record.args)
        for needle in forbidden:
            assert needle.decode("latin-1") not in text
    rows = serializers.serialize(
        "json",
        [
            *Upload.objects.all(),
            *UploadedFile.objects.all(),
            *MediaItem.objects.all(),
            *MediaInstance.objects.all(),
            # the revisions that list the new items, and their audit log entries
            *Revision.objects.all(),
            *PageLogEntry.objects.all(),
        ],
    )
    for needle in forbidden:
        assert needle.decode("latin-1") not in rows
    assert not list(media_env.spool_dir.iterdir()), "spool files must be deleted"


def test_series_shares_one_context_across_uploads(author, case, media_env, upload):
    study, series = generate_uid(), generate_uid()
    first = dicom_bytes(study_uid=study, series_uid=series, instance_number=2)
    second = dicom_bytes(study_uid=study, series_uid=series, instance_number=1)
    upload(case, {"a.dcm": first}, user=author)
    upload(case, {"b.dcm": second}, user=author)

    assert CaseMediaContext.objects.count() == 1
    item = MediaItem.objects.get()
    assert item.instances.count() == 2
    datasets = [
        dcmread(media_env.clinical_root / instance.source_key) for instance in item.instances.all()
    ]
    assert {ds.StudyInstanceUID for ds in datasets} == {item.study_uid}
    assert {str(ds.PatientID) for ds in datasets} == {f"CASEBOOK-{case.pk}"}
    assert [ds.InstanceNumber for ds in datasets] == [1, 2]


def test_same_file_again_is_not_duplicated(author, case, media_env, upload):
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    upload(case, {"a.dcm": data}, user=author)
    files_before = media_env.stored_files()
    upload(case, {"a.dcm": data}, user=author)

    assert MediaInstance.objects.count() == 1
    assert media_env.stored_files() == files_before
    latest = UploadedFile.objects.order_by("-pk").first()
    assert latest.status == UploadStatus.READY
    assert "already part of the case" in latest.reason


def test_author_sees_neutral_labels(author, case, media_env, upload, client):
    upload(case, {f"{FILE_NAME_MARKER}.dcm": b"not dicom at all"}, user=author)
    page = client.get(f"/contribute/{case.pk}/edit/")
    status = client.get(f"/media/status/{case.pk}/").json()

    body = page.content.decode()
    assert FILE_NAME_MARKER not in body
    assert "file 1 of upload on" in body
    assert "The file is not DICOM." in body
    assert status["files"][0]["label"].endswith("(.dcm)")
    assert FILE_NAME_MARKER not in str(status)
