"""The pixel checks on the site: an ultrasound with a name burned in is held with a box drawn
over the name and redacted in one click; a face is held with a blur proposal; nothing at
risk is released unseen, and a missing OCR never releases anything."""

import re

import pytest

from media_pipeline.core.privacy import faces, ocr
from media_pipeline.models import MediaItem, MediaStatus, UploadedFile
from tests.factories import make_editor
from tests.media_pipeline.core import privacy_images as images

pytestmark = pytest.mark.django_db
needs_ocr = pytest.mark.skipif(ocr.engine_problem() is not None, reason=str(ocr.engine_problem()))


def review(client, item, data=None):
    client.force_login(make_editor())
    url = f"/admin/media-quarantine/{item.pk}/"
    return client.post(url, data) if data is not None else client.get(url)


def prefilled_rectangles(html: str) -> str:
    match = re.search(r'<textarea name="rectangles"[^>]*>(.*?)</textarea>', html, re.S)
    return match.group(1).strip()


@pytest.mark.ocr
@needs_ocr
def test_named_ultrasound_is_redacted_in_one_click(client, author, case, media_env, upload):
    upload(case, {"scan.dcm": images.named_ultrasound()}, user=author)
    item = MediaItem.objects.get()
    assert item.status == MediaStatus.QUARANTINED
    assert len(item.proposals) == 1
    page = review(client, item).content.decode()
    assert 'class="redaction-proposal redaction-proposal-ocr"' in page
    assert "OCR found text in 1 place" in page
    rectangles = prefilled_rectangles(page)
    assert rectangles.count(",") == 3

    # The one click: submit the form as it comes, with the proposed box.
    response = review(client, item, {"action": "redact", "rectangles": rectangles, "mode": "black"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == MediaStatus.READY
    assert item.reviewed_by is not None


@pytest.mark.ocr
@needs_ocr
def test_clean_ultrasound_is_released_in_one_click_only_after_the_check(
    client, author, case, media_env, upload
):
    upload(case, {"clean.dcm": images.dicom([images.speckle()] * 2)}, user=author)
    item = MediaItem.objects.get()
    assert item.status == MediaStatus.QUARANTINED
    assert item.scan_note == "OCR found no text."
    assert "I have looked: release" in review(client, item).content.decode()
    review(client, item, {"action": "release_clean"})
    item.refresh_from_db()
    assert item.status == MediaStatus.READY


@pytest.mark.ocr
@needs_ocr
def test_a_face_is_held_and_kept_only_with_a_reason(client, author, case, media_env, upload):
    data, _ = images.face_photo()
    upload(case, {"face.jpg": data}, user=author)
    item = MediaItem.objects.get()
    assert item.status == MediaStatus.QUARANTINED
    assert "face" in item.reason
    assert [p["source"] for p in item.proposals] == ["face"]
    page = review(client, item).content.decode()
    assert 'value="blur" selected' in page or 'value="blur" checked' in page

    # One click does not release a flagged face; a reason does.
    review(client, item, {"action": "release_clean"})
    item.refresh_from_db()
    assert item.status == MediaStatus.QUARANTINED
    review(client, item, {"action": "keep", "reason": ""})
    item.refresh_from_db()
    assert item.status == MediaStatus.QUARANTINED
    review(client, item, {"action": "keep", "reason": "Consent covers the face; it is the sign."})
    item.refresh_from_db()
    assert item.status == MediaStatus.READY
    assert item.override_reason.startswith("Consent covers")


@pytest.mark.ocr
@needs_ocr
def test_blurring_a_face_releases_the_photo(client, author, case, media_env, upload):
    data, _ = images.face_photo()
    upload(case, {"face.jpg": data}, user=author)
    item = MediaItem.objects.get()
    rectangles = prefilled_rectangles(review(client, item).content.decode())
    review(client, item, {"action": "redact", "rectangles": rectangles, "mode": "blur"})
    item.refresh_from_db()
    assert item.status == MediaStatus.READY


def test_without_ocr_an_ultrasound_waits_and_cannot_be_released_in_one_click(
    client, author, case, media_env, upload, monkeypatch
):
    monkeypatch.setattr(ocr, "engine_problem", lambda: "OCR is not installed")
    monkeypatch.setattr(faces, "engine_problem", lambda: None)
    monkeypatch.setattr(faces, "find_faces", lambda image: [])
    upload(
        case, {"scan.dcm": images.named_ultrasound(), "rash.jpg": images.skin_photo()}, user=author
    )
    items = list(MediaItem.objects.order_by("pk"))
    assert [item.status for item in items] == [MediaStatus.QUARANTINED] * 2
    for item in items:
        review(client, item, {"action": "release_clean"})
        item.refresh_from_db()
        assert item.status == MediaStatus.QUARANTINED
    assert "No automatic text check: OCR is not installed" in items[0].scan_note


def test_upload_file_names_are_checked_but_never_kept(author, case, media_env, upload):
    upload(case, {"JONES_20240303_1415.jpg": images.skin_photo()}, user=author)
    record = UploadedFile.objects.get()
    assert record.name_findings == [{"kind": "date", "where": "file name"}]
    assert "JONES" not in str(record.__dict__)
