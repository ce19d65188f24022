"""Personal collections: private by default, shared read-only with named verified
colleagues; a case once per collection; bad input refused and nothing changed."""

import pytest

from accounts.models import Verification
from curation import services
from curation.models import CollectionShare, SavedCase, SavedCollection
from notifications.models import Event, Notification
from tests.factories import CasePageFactory, make_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(reader, case):
    collection = services.create_saved_collection(reader, "Teaching file")
    services.save_case(collection, case, reader)
    return collection


def test_saving_a_case_from_its_page(client, reader, case):
    client.force_login(reader)
    assert "Save to a collection" in client.get(case.url).content.decode()
    assert client.get(f"/saved/case/{case.pk}/").status_code == 200

    response = client.post(f"/saved/case/{case.pk}/", {"new_title": "Aorta"})

    assert response.status_code == 302
    collection = SavedCollection.objects.get(owner=reader)
    assert list(collection.entries.values_list("page_id", flat=True)) == [case.pk]
    assert case.title in client.get(f"/saved/{collection.pk}/").content.decode()


def test_a_case_twice_is_refused(client, reader, case, saved):
    client.force_login(reader)
    response = client.post(f"/saved/case/{case.pk}/", {"collection": saved.pk})
    assert response.status_code == 409
    assert "already in “Teaching file”" in response.content.decode()
    assert SavedCase.objects.count() == 1


def test_a_failed_save_leaves_no_new_collection(client, reader, case, saved):
    client.force_login(reader)
    response = client.post(f"/saved/case/{case.pk}/", {"new_title": "Teaching file"})
    assert response.status_code == 409
    assert SavedCollection.objects.count() == 1
    response = client.post(f"/saved/case/{case.pk}/", {"collection": "nope"})
    assert response.status_code == 400


def test_private_by_default(client, saved):
    client.force_login(make_clinician())
    assert client.get(f"/saved/{saved.pk}/").status_code == 404
    assert saved.title not in client.get("/saved/").content.decode()


def test_sharing_with_a_named_colleague_read_only(
    client, reader, saved, django_capture_on_commit_callbacks
):
    colleague = make_clinician(display_name="Dr Colleague")
    client.force_login(reader)

    response = client.post(f"/saved/{saved.pk}/share/", {"user": colleague.username})

    assert response.status_code == 302
    note = Notification.objects.get(recipient=colleague)
    assert note.event == Event.COLLECTION_SHARED
    client.force_login(colleague)
    assert client.post(f"/notifications/{note.pk}/open/")["Location"] == "/saved/"
    assert "Teaching file" in client.get("/saved/").content.decode()
    html = client.get(f"/saved/{saved.pk}/").content.decode()
    assert "read-only" in html and "Remove" not in html and "Delete this collection" not in html
    for url in (f"/saved/{saved.pk}/delete/", f"/saved/{saved.pk}/share/"):
        assert client.post(url, {"user": colleague.username}).status_code == 404
    assert SavedCollection.objects.filter(pk=saved.pk).exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody-by-that-name", "No verified clinician is called"),
        ("pending", "No verified clinician is called"),
        ("", "Type a colleague"),
    ],
)
def test_sharing_with_an_unknown_or_unverified_user_is_refused(client, reader, saved, who, message):
    if who == "pending":
        who = make_clinician(status=Verification.PENDING).username
    client.force_login(reader)
    response = client.post(f"/saved/{saved.pk}/share/", {"user": who})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CollectionShare.objects.exists()


def test_sharing_twice_is_refused(client, reader, saved):
    colleague = make_clinician()
    client.force_login(reader)
    client.post(f"/saved/{saved.pk}/share/", {"user": colleague.username})
    response = client.post(f"/saved/{saved.pk}/share/", {"user": colleague.username})
    assert response.status_code == 409
    assert CollectionShare.objects.count() == 1


def test_an_unpublished_case_disappears_with_a_note_for_the_owner(client, reader, saved, case):
    other = CasePageFactory(owner=case.owner, title="Still published")
    services.save_case(saved, other, reader)
    case.unpublish()
    client.force_login(reader)
    html = client.get(f"/saved/{saved.pk}/").content.decode()
    assert case.title not in html and "Still published" in html
    assert "1 saved case is no longer published" in html


def test_a_collection_needs_a_name(client, reader):
    client.force_login(reader)
    response = client.post("/saved/new/", {"title": "   "})
    assert response.status_code == 400
    assert "Give the collection a name" in response.content.decode()
    assert not SavedCollection.objects.exists()


def test_remove_unshare_and_delete(client, reader, saved, case):
    colleague = make_clinician()
    services.share_collection(saved, reader, colleague.username)
    client.force_login(reader)
    client.post(f"/saved/{saved.pk}/remove/{case.pk}/")
    assert not saved.entries.exists()
    client.post(f"/saved/{saved.pk}/unshare/{colleague.pk}/")
    assert not saved.shares.exists()
    client.post(f"/saved/{saved.pk}/delete/")
    assert not SavedCollection.objects.exists()
