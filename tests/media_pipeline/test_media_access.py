"""Who may fetch stored media: the permission matrix of the serving view."""

import pytest
from pydicom.uid import generate_uid

from accounts.models import Verification
from media_pipeline.models import MediaInstance, MediaItem, MediaStatus
from tests.factories import CasePageFactory, make_clinician, make_editor
from tests.media_pipeline.media_files import dicom_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(author, media_env, upload):
    """A live case and a draft case of ``author``, each with one ready DICOM instance."""
    cases = {"live": CasePageFactory(owner=author), "draft": CasePageFactory(owner=author)}
    cases["draft"].live = False
    cases["draft"].save()
    for page in cases.values():
        data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
        upload(page, {"a.dcm": data}, user=author)
    return {name: MediaInstance.objects.get(item__page=page) for name, page in cases.items()}


def _user(role, author):
    return {
        "anonymous": None,
        "pending": make_clinician(status=Verification.PENDING),
        "peer": make_clinician(),
        "owner": author,
        "editor": make_editor(),
    }[role]


# (role, case) -> expected status: "login" is a redirect to the login page.
MATRIX = {
    ("anonymous", "live"): "login",
    ("pending", "live"): 403,
    ("peer", "live"): 200,
    ("peer", "draft"): 404,
    ("peer", "quarantined"): 404,
    ("owner", "draft"): 200,
    ("owner", "quarantined"): 200,
    ("editor", "draft"): 200,
    ("editor", "quarantined"): 200,
}


@pytest.mark.parametrize(("role", "case_state"), sorted(MATRIX))
def test_media_permission_matrix(client, author, stored, role, case_state):
    instance = stored["draft" if case_state == "draft" else "live"]
    if case_state == "quarantined":
        MediaItem.objects.filter(pk=instance.item_id).update(status=MediaStatus.QUARANTINED)
    client.logout()
    user = _user(role, author)
    if user:
        client.force_login(user)

    response = client.get(f"/media/file/{instance.pk}/thumbnail/")

    expected = MATRIX[(role, case_state)]
    if expected == "login":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content)[:4] == b"RIFF"
        assert response["Content-Type"] == "image/webp"
        assert response["Content-Disposition"] == "inline"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"].startswith("private")


def test_every_rendition_is_served_with_its_type(client, author, stored):
    instance = stored["live"]
    client.force_login(make_clinician())

    source = client.get(f"/media/file/{instance.pk}/source/")
    preview = client.get(f"/media/file/{instance.pk}/preview/")

    assert source["Content-Type"] == "application/dicom"
    assert b"".join(source.streaming_content)[128:132] == b"DICM"
    assert preview["Content-Type"] == "image/webp"
    assert client.get(f"/media/file/{instance.pk}/original/").status_code == 404
    assert client.get(f"/media/file/{instance.pk}/frame/0/").status_code == 404


def test_gallery_shows_ready_media_to_peers_only(client, author, stored):
    instance = stored["live"]
    page = instance.item.page
    client.force_login(make_clinician())
    assert f"/media/file/{instance.pk}/thumbnail/" in client.get(page.url).content.decode()

    MediaItem.objects.filter(pk=instance.item_id).update(status=MediaStatus.QUARANTINED)
    assert f"/media/file/{instance.pk}/" not in client.get(page.url).content.decode()

    client.force_login(author)
    owner_view = client.get(f"/contribute/{page.pk}/preview/").content.decode()
    assert f"/media/file/{instance.pk}/thumbnail/" in owner_view
    assert "Quarantined" in owner_view
