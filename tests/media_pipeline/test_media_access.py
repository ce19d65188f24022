"""Who may fetch stored media: the permission matrix of the serving view and the gallery.

An item reaches peers only in the published version of a live case (an editor approved a
revision that includes it), ready and not withdrawn; owners and editors see every item.
"""

import pytest
from django.utils import timezone
from pydicom.uid import generate_uid

from accounts.models import Verification
from media_pipeline.models import MediaInstance, MediaItem, MediaStatus
from tests.factories import CasePageFactory, make_clinician, make_editor
from tests.media_pipeline.media_files import dicom_bytes

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "pending", "rejected", "peer", "owner", "editor")

# item state -> expected status per role, in ROLES order; "login" is a redirect to log in.
MATRIX = {
    # uploaded to a live case and approved with a published revision
    "approved": ("login", 403, 403, 200, 200, 200),
    # uploaded to a live case after publication: awaiting review
    "unapproved on live case": ("login", 403, 403, 404, 200, 200),
    # on a case that was never published
    "draft case": ("login", 403, 403, 404, 200, 200),
    # approved, then quarantined (waiting for an editor's redaction or release)
    "quarantined": ("login", 403, 403, 404, 200, 200),
    # approved, then withdrawn by an editor
    "withdrawn": ("login", 403, 403, 404, 200, 200),
    # approved, then the case was unpublished
    "unpublished case": ("login", 403, 403, 404, 200, 200),
}


@pytest.fixture
def stored(author, media_env, upload, approve):
    """``stored(state)``: a stored instance of ``author``'s whose item is in that state."""

    def instance_on(page):
        data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
        upload(page, {"a.dcm": data}, user=author)
        return MediaInstance.objects.filter(item__page=page).latest("pk")

    def make(state):
        page = CasePageFactory(owner=author, live=state != "draft case")
        instance = instance_on(page)
        if state in ("unapproved on live case", "draft case"):
            return instance
        approve(page)
        items = MediaItem.objects.filter(pk=instance.item_id)
        if state == "quarantined":
            items.update(status=MediaStatus.QUARANTINED)
        elif state == "withdrawn":
            items.update(withdrawn_at=timezone.now())
        elif state == "unpublished case":
            page.unpublish()
        return instance

    return make


def _user(role, author):
    if role == "anonymous":
        return None
    if role == "owner":
        return author
    if role == "editor":
        return make_editor()
    status = Verification.VERIFIED if role == "peer" else getattr(Verification, role.upper())
    return make_clinician(status=status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(MATRIX))
def test_media_permission_matrix(client, author, stored, role, state):
    instance = stored(state)
    client.logout()
    user = _user(role, author)
    if user:
        client.force_login(user)

    responses = [
        client.get(f"/media/file/{instance.pk}/{rendition}/")
        for rendition in ("thumbnail", "preview", "source")
    ]
    manifest = client.get(f"/media/item/{instance.item_id}/viewer/")

    expected = MATRIX[state][ROLES.index(role)]
    for response in [*responses, manifest]:
        if expected == "login":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == expected
    if expected == 200:
        thumbnail = responses[0]
        assert b"".join(thumbnail.streaming_content)[:4] == b"RIFF"
        assert thumbnail["Content-Type"] == "image/webp"
        assert thumbnail["Content-Disposition"] == "inline"
        assert thumbnail["X-Content-Type-Options"] == "nosniff"
        assert thumbnail["Cache-Control"].startswith("private")


def test_every_rendition_is_served_with_its_type(client, author, stored):
    instance = stored("approved")
    client.force_login(make_clinician())

    source = client.get(f"/media/file/{instance.pk}/source/")
    preview = client.get(f"/media/file/{instance.pk}/preview/")

    assert source["Content-Type"] == "application/dicom"
    assert b"".join(source.streaming_content)[128:132] == b"DICM"
    assert preview["Content-Type"] == "image/webp"
    assert client.get(f"/media/file/{instance.pk}/original/").status_code == 404
    assert client.get(f"/media/file/{instance.pk}/frame/0/").status_code == 404


@pytest.mark.parametrize("state", sorted(MATRIX))
def test_gallery_shows_peers_only_what_they_may_fetch(client, stored, state):
    instance = stored(state)
    page = instance.item.page
    client.force_login(make_clinician())

    response = client.get(page.url)

    peers_may_see = MATRIX[state][ROLES.index("peer")] == 200
    if response.status_code == 200:
        assert (f"/media/file/{instance.pk}/" in response.content.decode()) == peers_may_see
    else:
        assert not peers_may_see


def test_owner_preview_shows_what_peers_will_see(client, author, stored):
    quarantined = stored("quarantined")
    pending = stored("unapproved on live case")
    client.force_login(author)

    quarantined_view = client.get(f"/contribute/{quarantined.item.page_id}/preview/")
    pending_view = client.get(f"/contribute/{pending.item.page_id}/preview/")

    assert f"/media/file/{quarantined.pk}/thumbnail/" not in quarantined_view.content.decode()
    assert "Peers will not see 1 image of this version" in quarantined_view.content.decode()
    assert f"/media/file/{pending.pk}/thumbnail/" in pending_view.content.decode()
    assert "Awaiting review" not in pending_view.content.decode()


def test_owner_edit_page_shows_each_images_state(client, author, stored):
    quarantined = stored("quarantined")
    pending = stored("unapproved on live case")
    client.force_login(author)

    quarantined_edit = client.get(f"/contribute/{quarantined.item.page_id}/edit/")
    pending_edit = client.get(f"/contribute/{pending.item.page_id}/edit/")

    assert f"/media/file/{quarantined.pk}/thumbnail/" in quarantined_edit.content.decode()
    assert "Quarantined</strong>" in quarantined_edit.content.decode()
    assert "Awaiting review</strong>" in pending_edit.content.decode()
