"""Every kind of bad input gets a specific reason: 4xx for the request, or a failed item."""

import io
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pydicom.uid import generate_uid

from media_pipeline.models import MediaInstance, UploadedFile, UploadStatus
from tests.factories import make_clinician
from tests.media_pipeline.media_files import (
    BASIC_TEXT_SR,
    ENCAPSULATED_PDF,
    animated_gif,
    dicom_bytes,
    dicomdir_bytes,
    non_image_bytes,
    zip_bomb,
    zip_of,
)

pytestmark = pytest.mark.django_db


def _good_dicom() -> bytes:
    return dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())


BAD_FILES = {
    "corrupt.dcm": (lambda: _good_dicom()[:400], "truncated"),
    "notes.txt": (lambda: b"Patient MARKER notes", "The file is not DICOM."),
    "DICOMDIR": (dicomdir_bytes, "DICOMDIR index files are not accepted."),
    "report.dcm": (
        lambda: non_image_bytes(ENCAPSULATED_PDF),
        "Encapsulated documents (PDF, CDA, 3-D models) are not accepted.",
    ),
    "sr.dcm": (
        lambda: non_image_bytes(BASIC_TEXT_SR),
        "Structured reports and key-object notes are not accepted.",
    ),
    "loop.gif": (animated_gif, "GIF files are not accepted"),
    "bomb.zip": (zip_bomb, "compression ratio is too high"),
    "broken.zip": (lambda: b"PK\x03\x04 not really a zip", "not a valid zip file"),
    "empty.jpg": (lambda: b"", "The file is empty (0 bytes)."),
    "empty.dcm": (lambda: b"", "The file is empty (0 bytes)."),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_fails_with_its_reason(author, case, media_env, upload, name):
    build, expected = BAD_FILES[name]
    response = upload(case, {name: build()}, user=author)

    assert response.status_code == 202
    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.FAILED
    assert expected in record.reason
    assert not MediaInstance.objects.exists()
    assert media_env.stored_files() == []
    assert not list(media_env.spool_dir.iterdir())


def test_zip_keeps_good_members_and_counts_the_rest(author, case, media_env, upload):
    archive = zip_of({"a/1.dcm": _good_dicom(), "a/2.txt": b"hello", "a/3.txt": b"again"})
    upload(case, {"study.zip": archive}, user=author)

    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.READY
    assert "2 skipped: The file is not DICOM (2)." in record.reason
    assert MediaInstance.objects.count() == 1


def test_zip_members_with_colliding_names_are_all_kept(author, case, media_env, upload):
    series = generate_uid()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        for name in ("s/1.dcm", "s/1.dcm", "S/1.DCM"):
            archive.writestr(name, dicom_bytes(study_uid=generate_uid(), series_uid=series))
    upload(case, {"study.zip": buffer.getvalue()}, user=author)

    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.READY, record.reason
    assert MediaInstance.objects.count() == 3


def test_zip_with_too_many_entries(author, case, media_env, upload, settings):
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "ZIP_MAX_ENTRIES": 2}
    archive = zip_of({f"{n}.dcm": _good_dicom() for n in range(3)})
    upload(case, {"study.zip": archive}, user=author)

    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.FAILED
    assert "too many entries" in record.reason


def test_request_over_the_total_limit_is_refused_before_reading(author, case, client):
    client.force_login(author)
    response = client.post(
        f"/media/upload/{case.pk}/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(4 << 30),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert not UploadedFile.objects.exists()


def test_file_over_the_per_file_limit(author, case, media_env, upload, settings):
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "MAX_FILE_BYTES": 100_000}
    response = upload(case, {"big.dcm": b"\0" * 200_000, "small.dcm": b"x"}, user=author)

    assert response.status_code == 413
    assert "per file" in response.json()["error"]
    assert not UploadedFile.objects.exists()


def test_too_many_files(author, case, media_env, upload, settings):
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "MAX_FILES": 2}
    response = upload(case, {f"{n}.dcm": b"x" for n in range(3)}, user=author)

    assert response.status_code == 400
    assert "Too many files: at most 2" in response.json()["error"]
    assert not UploadedFile.objects.exists()


def test_no_files(author, case, media_env, upload):
    response = upload(case, {}, user=author)

    assert response.status_code == 400
    assert "No files" in response.json()["error"]


def test_browser_form_refusal_is_a_page(author, case, media_env, client):
    client.force_login(author)
    response = client.post(f"/media/upload/{case.pk}/", {})

    assert response.status_code == 400
    assert b"Upload refused" in response.content


def test_csrf_is_enforced(author, case, media_env):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post(
        f"/media/upload/{case.pk}/", {"files": [SimpleUploadedFile("a.dcm", b"x")]}
    )

    assert response.status_code == 403
    assert not UploadedFile.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "pending", "peer"])
def test_only_owner_or_editor_uploads(case, media_env, upload, client, who):
    from accounts.models import Verification

    user = {
        "anonymous": None,
        "pending": make_clinician(status=Verification.PENDING),
        "peer": make_clinician(),
    }[who]
    response = upload(case, {"a.dcm": _good_dicom()}, user=user)

    expected = {"anonymous": 302, "pending": 403, "peer": 404}[who]
    assert response.status_code == expected
    assert not UploadedFile.objects.exists()


def test_editor_may_upload(case, media_env, upload):
    from tests.factories import make_editor

    response = upload(case, {"a.dcm": _good_dicom()}, user=make_editor())

    assert response.status_code == 202
    assert UploadedFile.objects.get().status == UploadStatus.READY


def test_status_view_is_owner_only(case, media_env, client):
    client.force_login(make_clinician())
    assert client.get(f"/media/status/{case.pk}/").status_code == 404


def test_more_files_than_django_parses(author, case, media_env, upload, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = upload(case, {f"{n}.dcm": b"x" for n in range(3)}, user=author)

    assert response.status_code == 400
    assert "Too many files" in response.json()["error"]
    assert not UploadedFile.objects.exists()
