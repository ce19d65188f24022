"""Quarantined media: hidden from peers, queued for editors, redacted series-wide or released."""

from io import BytesIO

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.uid import generate_uid

from media_pipeline.models import MediaItem, MediaStatus, UploadedFile, UploadStatus
from tests.factories import make_clinician, make_editor
from tests.media_pipeline.media_files import dicom_bytes, ultrasound_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarantined(author, case, media_env, upload):
    upload(case, {"loop.dcm": ultrasound_bytes(frames=3)}, user=author)
    return MediaItem.objects.get()


def _pixels(media_env, instance):
    return dcmread(BytesIO((media_env.clinical_root / instance.source_key).read_bytes()))


def test_ultrasound_is_quarantined_with_reason(quarantined):
    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.QUARANTINED
    assert "burned-in text" in record.reason
    assert quarantined.status == MediaStatus.QUARANTINED
    assert quarantined.instances.get().needs_review


def test_queue_lists_it_for_editors_only(client, quarantined):
    client.force_login(make_editor())
    queue = client.get("/admin/media-quarantine/")
    assert queue.status_code == 200
    assert f"/admin/media-quarantine/{quarantined.pk}/" in queue.content.decode()
    menu = client.get("/admin/").content.decode()
    assert "Media quarantine (1)" in menu

    client.force_login(make_clinician())
    assert client.get("/admin/media-quarantine/").status_code in (302, 403)


def test_redaction_applies_to_every_frame_and_releases(client, quarantined, media_env):
    instance = quarantined.instances.get()
    old_keys = instance.all_keys()
    client.force_login(make_editor())
    review_url = f"/admin/media-quarantine/{quarantined.pk}/"
    assert client.get(review_url).status_code == 200

    response = client.post(review_url, {"action": "redact", "rectangles": "20, 10, 8, 6"})

    assert response.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.status == MediaStatus.READY
    instance.refresh_from_db()
    ds = _pixels(media_env, instance)
    frames = ds.pixel_array
    assert frames.shape[0] == 3
    fill = frames.min()
    assert np.all(frames[:, 10:16, 20:28] == fill)
    assert not np.all(frames[:, 16:, :20] == fill)
    assert ds.BurnedInAnnotation == "NO"
    assert "CLEAN PIXELS" in ds.DeidentificationMethod
    assert len(instance.frame_keys) == 3
    for key in old_keys:
        assert not (media_env.clinical_root / key).exists()
    assert len(media_env.stored_files()) == 6


def test_bad_rectangles_change_nothing(client, quarantined, media_env):
    files = media_env.stored_files()
    client.force_login(make_editor())
    url = f"/admin/media-quarantine/{quarantined.pk}/"

    outside = client.post(url, {"action": "redact", "rectangles": "5000, 5000, 10, 10"})
    malformed = client.post(url, {"action": "redact", "rectangles": "1, 2, three"})

    assert outside.status_code == 200
    assert "lies outside" in outside.content.decode()
    assert "four whole numbers" in malformed.content.decode()
    quarantined.refresh_from_db()
    assert quarantined.status == MediaStatus.QUARANTINED
    assert media_env.stored_files() == files


def test_release_needs_confirmation(client, quarantined):
    client.force_login(make_editor())
    url = f"/admin/media-quarantine/{quarantined.pk}/"

    unconfirmed = client.post(url, {"action": "release"})
    quarantined.refresh_from_db()
    assert unconfirmed.status_code == 200
    assert quarantined.status == MediaStatus.QUARANTINED

    client.post(url, {"action": "release", "confirm": "on"})
    quarantined.refresh_from_db()
    assert quarantined.status == MediaStatus.READY
    assert quarantined.reviewed_by is not None


def test_clean_series_is_ready_immediately(author, case, media_env, upload):
    upload(
        case,
        {"ct.dcm": dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())},
        user=author,
    )
    assert MediaItem.objects.get().status == MediaStatus.READY


def test_storage_failure_during_redaction_changes_nothing(
    client, quarantined, media_env, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    files = media_env.stored_files()
    keys = quarantined.instances.get().all_keys()
    original = FileSystemStorage._save
    calls = []

    def failing_save(self, name, content):
        calls.append(name)
        if len(calls) >= 3:
            raise OSError("storage went away")
        return original(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    client.force_login(make_editor())
    response = client.post(
        f"/admin/media-quarantine/{quarantined.pk}/",
        {"action": "redact", "rectangles": "0, 0, 4, 4"},
    )

    assert response.status_code == 200
    assert "Storage is unavailable" in response.content.decode()
    quarantined.refresh_from_db()
    assert quarantined.status == MediaStatus.QUARANTINED
    assert quarantined.instances.get().all_keys() == keys
    assert media_env.stored_files() == files
