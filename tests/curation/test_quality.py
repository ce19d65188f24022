"""Quality signals on the case page, and editors marking a case peer reviewed: the audit
log, the author told, the search facet on the database backend."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from curation import services
from curation.models import PeerReview
from notifications.models import Event, Notification
from search.queries import SearchRequest
from search.services import rebuild_index
from search.site import get_search_backend
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db


def test_case_page_shows_status_certainty_and_completeness(client, reader, author, photo):
    case = CasePageFactory(owner=author, imaging_findings="", discussion_references="")
    client.force_login(reader)

    html = client.get(case.url).content.decode()

    assert "Reviewed and published by the editors" in html
    assert "Diagnostic certainty: certain" in html
    assert "Completeness: 4 of 8" in html
    assert 'Images<span class="visually-hidden">: missing' in html
    photo(case, author)
    assert "Completeness: 5 of 8" in client.get(case.url).content.decode()


def test_an_editor_marks_a_case_peer_reviewed(client, editor, case, reader):
    client.force_login(editor)
    url = f"/admin/peer-review/{case.pk}/"
    assert "Peer review" in client.get(f"/admin/pages/{case.pk}/edit/").content.decode()

    response = client.post(url, {"reviewer_name": "Dr Ada Expert", "reviewed_on": "2026-11-30"})

    assert response.status_code == 302
    review = PeerReview.objects.get(page=case)
    assert (review.reviewer_name, review.marked_by) == ("Dr Ada Expert", editor)
    entry = PageLogEntry.objects.get(page=case, action="casebook.curation.peer_review")
    assert entry.user == editor
    assert Notification.objects.filter(event=Event.PEER_REVIEWED, recipient=case.owner).exists()
    client.force_login(reader)
    assert "Peer reviewed by Dr Ada Expert on 30 Nov 2026" in client.get(case.url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reviewer_name": "  ", "reviewed_on": "2026-11-30"}, "This field is required"),
        ({"reviewer_name": "Dr X", "reviewed_on": "not a date"}, "Enter a valid date"),
        ({"reviewer_name": "Dr X", "reviewed_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_peer_review_input_is_refused(client, editor, case, data, message):
    client.force_login(editor)
    response = client.post(f"/admin/peer-review/{case.pk}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PeerReview.objects.exists()


def test_only_published_cases_are_peer_reviewed(editor, author):
    draft = CasePageFactory(owner=author)
    draft.unpublish()
    with pytest.raises(Exception, match="Only a published case"):
        services.mark_peer_reviewed(draft, editor, "Dr X", timezone.localdate())


def test_search_has_a_peer_reviewed_facet(editor, author):
    reviewed = CasePageFactory(owner=author, title="Reviewed one")
    CasePageFactory(owner=author, title="Not reviewed")
    services.mark_peer_reviewed(
        reviewed, editor, "Dr Ada Expert", timezone.localdate() - datetime.timedelta(days=1)
    )
    rebuild_index()  # what the outbox writes after the review's reindex (factories skip it)
    backend = get_search_backend()

    results = backend.search(SearchRequest(filters={"peer_reviewed": ("true",)}))

    assert [hit.title for hit in results.hits] == ["Reviewed one"]
    facet = {f.name: f for f in results.facets}["peer_reviewed"]
    assert {(v.value, v.count) for v in facet.values} == {("true", 1), ("false", 1)}


def test_clearing_a_peer_review(client, editor, case):
    services.mark_peer_reviewed(case, editor, "Dr X", timezone.localdate())
    client.force_login(editor)
    client.post(f"/admin/peer-review/{case.pk}/", {"action": "clear"})
    assert not PeerReview.objects.exists()
    assert PageLogEntry.objects.filter(action="casebook.curation.peer_review_clear").exists()
