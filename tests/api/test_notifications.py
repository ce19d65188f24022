"""The notifications API: your own notifications, paginated; marking one or all read."""

import pytest

from accounts.models import Verification
from accounts.services import reject_clinician
from discussion import services
from notifications.models import Event, Notification
from notifications.services import notify
from tests.factories import make_clinician, make_editor

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def test_a_reply_reaches_the_author_through_the_api(api, case, author, peer, other_peer):
    api(peer, "POST", f"/api/v1/cases/{case.pk}/comments/", {"body": "First"})
    parent = api(peer, "GET", f"/api/v1/cases/{case.pk}/comments/").json()["results"][0]
    api(
        other_peer,
        "POST",
        f"/api/v1/cases/{case.pk}/comments/",
        {"body": "Re", "parent": parent["comment"]["id"]},
    )

    body = api(peer, "GET", URL).json()

    assert (body["total"], body["unread_count"]) == (1, 1)
    row = body["results"][0]
    assert (row["event"], row["text"], row["read"]) == (
        "reply",
        "Dr Bob Other replied to your comment",
        False,
    )
    assert row["case"] == {"id": case.pk, "title": case.title, "url": case.url}
    assert row["comment"] is not None


def test_pages_filters_and_marking_read(api, case, author, peer):
    for _ in range(3):
        notify([peer.pk], Event.COMMENT, actor_id=author.pk, page_id=case.pk)
    newest = Notification.objects.filter(recipient=peer).first()
    other = notify([author.pk], Event.COMMENT, actor_id=peer.pk, page_id=case.pk)[0]

    page = api(peer, "GET", URL, params={"page_size": 2, "page": 2}).json()
    assert (page["total"], page["page_count"], len(page["results"])) == (3, 2, 1)

    marked = api(peer, "POST", f"{URL}{newest.pk}/read/")
    assert (marked.status_code, marked.json()["read"]) == (200, True)
    assert api(peer, "GET", URL, params={"unread": "true"}).json()["total"] == 2
    assert api(peer, "GET", URL, params={"unread": "false"}).json()["total"] == 1
    assert api(peer, "POST", f"{URL}{other.pk}/read/").status_code == 404  # someone else's
    assert api(peer, "POST", f"{URL}read-all/").json() == {"marked": 2}
    assert api(peer, "GET", URL).json()["unread_count"] == 0
    assert Notification.objects.get(pk=other.pk).read_at is None


@pytest.mark.parametrize("params", [{"unread": "maybe"}, {"page": "0"}, {"page_size": "x"}])
def test_bad_list_parameters_are_400(api, peer, params):
    response = api(peer, "GET", URL, params=params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_an_unverified_clinician_reads_the_decision_but_no_case(
    api, case, author, django_capture_on_commit_callbacks
):
    rejected = make_clinician(status=Verification.PENDING)
    # one from before, as if they had been verified then
    Notification.objects.create(recipient=rejected, event=Event.COMMENT, page=case)
    with django_capture_on_commit_callbacks(execute=True):
        reject_clinician(rejected.clinician_profile, by=make_editor(), reason="No match")

    body = api(rejected, "GET", URL).json()

    events = {row["event"]: row for row in body["results"]}
    assert Event.VERIFICATION_REJECTED in events
    assert all(row["case"] is None for row in body["results"])
    assert case.title not in api(rejected, "GET", URL).content.decode()


def test_notifications_about_hidden_items_are_left_out(
    api, case, author, peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.add_comment(case, peer, "Seen at St Elsewhere")
    assert api(author, "GET", URL).json()["total"] == 1
    services.flag(make_clinician(), comment, "identifier")
    assert api(author, "GET", URL).json()["total"] == 0
