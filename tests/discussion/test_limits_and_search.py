"""Rate limits on discussion writes; the discussion in search documents and sorts."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from discussion import services
from discussion.models import Comment, ConfirmedDiagnosis, ProposalVote
from search.backends.database import DatabaseBackend
from search.documents import case_document, with_related
from search.queries import SearchRequest
from search.services import rebuild_index
from tests.factories import CasePageFactory, ConditionFactory, make_clinician

pytestmark = pytest.mark.django_db


def test_new_users_hit_a_lower_comment_limit(settings, case, post):
    settings.CASEBOOK_DISCUSSION = {
        **settings.CASEBOOK_DISCUSSION,
        "RATES": {**settings.CASEBOOK_DISCUSSION["RATES"], "NEW_comment": "2/h", "comment": "4/h"},
    }
    newcomer = make_clinician()
    newcomer.clinician_profile.reviewed_at = timezone.now() - timedelta(days=2)
    newcomer.clinician_profile.save()
    veteran = make_clinician()
    veteran.clinician_profile.reviewed_at = timezone.now() - timedelta(days=30)
    veteran.clinician_profile.save()
    url = f"/discussion/case/{case.pk}/comments/"

    new_statuses = [post(newcomer, url, {"body": f"n{i}"}).status_code for i in range(3)]
    old_statuses = [post(veteran, url, {"body": f"v{i}"}).status_code for i in range(5)]
    refused = post(newcomer, url, {"body": "one more"})

    assert new_statuses == [302, 302, 429]
    assert old_statuses == [302, 302, 302, 302, 429]
    assert "many comments in a short time" in refused.content.decode()
    assert Comment.objects.count() == 6


def test_the_document_carries_the_discussion(case, peer, other_peer):
    mi = ConditionFactory(name="Myocardial infarction")
    services.add_comment(case, peer, "A comment")
    hidden = services.add_comment(case, other_peer, "Hidden one")
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    proposal = services.propose(case, peer, condition=mi, rationale="why")
    services.vote(proposal, other_peer)
    services.confirm_diagnosis(case, case.owner, certainty="certain", condition=mi)

    doc = case_document(with_related(type(case).objects.filter(pk=case.pk)).get(), 3)

    assert (doc["comment_count"], doc["proposal_count"]) == (1, 1)  # hidden ones do not count
    assert doc["confirmed_diagnosis"] == "Myocardial infarction"
    assert doc["last_activity_at"] == ConfirmedDiagnosis.objects.get().confirmed_at.isoformat()


def test_most_discussed_orders_by_activity_on_the_database_backend(peer, other_peer):
    quiet = CasePageFactory(title="Quiet")
    busy = CasePageFactory(title="Busy")
    lively = CasePageFactory(title="Lively")
    for page, count in ((busy, 3), (lively, 1)):
        for i in range(count):
            services.add_comment(page, peer, f"comment {i}")
    rebuild_index()  # what the outbox writes after each comment's reindex

    results = DatabaseBackend().search(SearchRequest(sort="discussed"))

    ids = [hit.id for hit in results.hits]
    assert ids.index(busy.pk) < ids.index(lively.pk) < ids.index(quiet.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_double_votes_count_once_on_postgresql(case, peer):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    voter = make_clinician()
    proposal = services.propose(case, peer, condition=ConditionFactory(), rationale="why")
    barrier = threading.Barrier(4)
    errors = []

    def vote():
        try:
            barrier.wait()
            services.vote(proposal, voter)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ProposalVote.objects.filter(proposal=proposal).count() == 1
