"""The viewer's manifest, the gallery's grouping, and the upload panel's captions, order and
list of the latest version's images."""

import json

import pytest
from django.utils import timezone
from pydicom.uid import generate_uid

from media_pipeline.gallery import gallery_groups
from media_pipeline.models import CaseMedia, MediaItem, MediaStatus
from media_pipeline.outputs import image_plane
from tests.factories import make_clinician
from tests.media_pipeline.media_files import dicom_bytes, photo_with_gps, ultrasound_bytes

pytestmark = pytest.mark.django_db


def _series(count=3, **kwargs):
    study, series = generate_uid(), generate_uid()
    return {
        f"s{n}.dcm": dicom_bytes(study_uid=study, series_uid=series, instance_number=n, **kwargs)
        for n in range(count, 0, -1)
    }


def _draft_ids(case):
    case.refresh_from_db()
    return [link.item_id for link in case.get_latest_revision_as_object().media.all()]


def _draft_captions(case):
    case.refresh_from_db()
    return {link.item_id: link.caption for link in case.get_latest_revision_as_object().media.all()}


# --- the viewer's manifest -----------------------------------------------------------------


def test_manifest_lists_the_stack_in_instance_order(client, author, case, media_env, upload):
    upload(case, _series(3), user=author)
    item = MediaItem.objects.get()
    response = client.get(f"/media/item/{item.pk}/viewer/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    manifest = response.json()
    assert manifest["available"] is True
    assert manifest["kind"] == "series"
    assert manifest["description"] == "CT · chest"
    numbers = [item.instances.get(pk=image["id"]).instance_number for image in manifest["images"]]
    assert numbers == [1, 2, 3]
    first = manifest["images"][0]
    assert first["source"] == f"/media/file/{first['id']}/source/"
    assert client.get(first["source"]).status_code == 200


def test_manifest_explains_a_quarantined_item(client, author, case, media_env, upload):
    upload(case, {"us.dcm": ultrasound_bytes()}, user=author)
    item = MediaItem.objects.get()
    manifest = client.get(f"/media/item/{item.pk}/viewer/").json()
    assert manifest["available"] is False
    assert manifest["images"] == []
    assert "An editor has to check this image for identifying text" in manifest["message"]
    assert "ultrasound" in manifest["message"]


def test_manifest_explains_a_withdrawn_item(client, author, case, media_env, upload):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    MediaItem.objects.update(withdrawn_at=timezone.now(), withdrawal_reason="A name is visible.")
    manifest = client.get(f"/media/item/{MediaItem.objects.get().pk}/viewer/").json()
    assert manifest["available"] is False
    assert manifest["message"] == "An editor withdrew this image from peers: A name is visible."


def test_manifest_of_an_item_a_peer_may_not_see_is_a_404(client, author, case, media_env, upload):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    client.force_login(make_clinician())
    response = client.get(f"/media/item/{MediaItem.objects.get().pk}/viewer/")
    assert response.status_code == 404
    assert response.json() == {"error": "This image is not available."}
    assert client.get("/media/item/999999/viewer/").status_code == 404


def test_series_plane_comes_from_the_orientation():
    assert image_plane(["1", "0", "0", "0", "1", "0"]) == "axial"
    assert image_plane([1, 0, 0, 0, 0, -1]) == "coronal"
    assert image_plane([0, 1, 0, 0, 0, -1]) == "sagittal"
    assert image_plane([1, 0, 0, 0, 0.7071, -0.7071]) == "oblique"
    assert image_plane(None) == ""
    assert image_plane(["a", "b"]) == ""
    assert image_plane([0, 0, 0, 0, 0, 0]) == ""


# --- the gallery -----------------------------------------------------------------------------


def test_gallery_groups_studies_then_photos_with_alt_text(author, case, media_env, upload):
    upload(case, _series(4), user=author)
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    upload(case, _series(2, modality="MR"), user=author)
    items = list(MediaItem.objects.order_by("pk").prefetch_related("instances"))
    for item in items:
        item.caption = ""
    groups = gallery_groups(items)
    assert [group.label for group in groups] == ["Study 1 · CT", "Study 2 · MR", "Photos"]
    ct = groups[0].items[0]
    assert ct.count_label == "4 images"
    assert ct.alt == "CT · chest, series 3: key image 3 of 4"
    assert ct.key.instance_number == 3
    assert groups[2].items[0].alt == "Clinical photo"


def test_case_page_shows_the_published_gallery(client, author, case, media_env, upload, approve):
    upload(case, _series(2), user=author)
    approve(case)
    client.force_login(make_clinician())
    html = client.get(case.url).content.decode()
    assert 'id="images"' in html
    assert "Imaging study · CT" in html
    assert 'data-viewer="/media/item/' in html
    assert 'href="#images"' in html, "the section index links to the images"
    assert "media_pipeline/viewer/viewer.js" in html, "named for import when a viewer opens"
    assert "vendor/dwv" not in html, "the viewer library loads only when a viewer opens"


def test_preview_shows_what_peers_will_see(client, author, case, media_env, upload):
    case.live = False
    case.save()
    upload(case, {"a.jpg": photo_with_gps(), "us.dcm": ultrasound_bytes()}, user=author)
    html = client.get(f"/contribute/{case.pk}/preview/").content.decode()
    assert html.count('class="media-card ') == 1
    assert (
        "Peers will not see 1 image of this version: 1 waits for an editor to check it for "
        "identifying text." in html
    )
    assert "Awaiting review" not in html


# --- captions, order and the latest version's list ------------------------------------------


def test_caption_goes_into_a_new_revision(client, author, case, media_env, upload, approve):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    approve(case)
    item = MediaItem.objects.get()
    revisions = case.revisions.count()
    response = client.post(
        f"/media/item/{item.pk}/caption/",
        {"caption": "  Day 3:\n dusky   edges "},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Caption saved."
    assert _draft_captions(case) == {item.pk: "Day 3: dusky edges"}
    assert case.revisions.count() == revisions + 1
    assert CaseMedia.objects.get(item=item).caption == "", "peers see it once approved"
    approve(case)
    assert CaseMedia.objects.get(item=item).caption == "Day 3: dusky edges"


def test_too_long_caption_is_refused_and_changes_nothing(client, author, case, media_env, upload):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    item = MediaItem.objects.get()
    revisions = case.revisions.count()
    response = client.post(
        f"/media/item/{item.pk}/caption/", {"caption": "x" * 251}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"error": "A caption can be at most 250 characters long."}
    assert case.revisions.count() == revisions
    assert _draft_captions(case) == {item.pk: ""}


def test_caption_of_a_removed_item_is_a_409(client, author, case, media_env, upload, approve):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    approve(case)
    item = MediaItem.objects.get()
    client.post(f"/media/item/{item.pk}/remove/")
    response = client.post(f"/media/item/{item.pk}/caption/", {"caption": "x"})
    assert response.status_code == 409
    assert b"not part of the latest version" in response.content


def test_only_the_owner_or_an_editor_captions_or_moves(client, author, case, media_env, upload):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    item = MediaItem.objects.get()
    client.force_login(make_clinician())
    assert client.post(f"/media/item/{item.pk}/caption/", {"caption": "x"}).status_code == 404
    assert client.post(f"/media/item/{item.pk}/move/", {"direction": "up"}).status_code == 404
    assert client.get(f"/media/draft/{case.pk}/").status_code == 404
    assert _draft_captions(case) == {item.pk: ""}


def test_move_up_and_down(client, author, case, media_env, upload):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    upload(case, _series(1), user=author)
    first, second = _draft_ids(case)
    response = client.post(f"/media/item/{second}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/contribute/{case.pk}/edit/#images")
    assert _draft_ids(case) == [second, first]
    revisions = case.revisions.count()
    response = client.post(
        f"/media/item/{second}/move/", {"direction": "up"}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["message"] == "The image is already at the top."
    assert case.revisions.count() == revisions, "no move, no new revision"


def test_move_needs_a_direction(client, author, case, media_env, upload):
    upload(case, {"a.jpg": photo_with_gps()}, user=author)
    item = MediaItem.objects.get()
    response = client.post(
        f"/media/item/{item.pk}/move/", {"direction": "left"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"error": 'Say "up" or "down" to move an image.'}


def test_draft_list_fragment(client, author, case, media_env, upload):
    upload(case, {"us.dcm": ultrasound_bytes(), "a.jpg": photo_with_gps()}, user=author)
    response = client.get(f"/media/draft/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html, "a fragment, not a page"
    assert html.count('class="media-draft-item') == 2
    assert "Quarantined</strong>" in html
    assert 'name="caption"' in html
    assert MediaItem.objects.filter(status=MediaStatus.QUARANTINED).count() == 1


def test_upload_answer_names_each_file_for_the_status_poll(client, author, case, media_env, upload):
    response = upload(case, {"a.jpg": photo_with_gps()}, user=author)
    record = response.json()["files"][0]
    statuses = client.get(f"/media/status/{case.pk}/").json()["files"]
    assert [file["id"] for file in statuses] == [record["id"]]
    assert json.dumps(statuses).count("a.jpg") == 0, "the status never repeats the file name"
