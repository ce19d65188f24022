"""The demo seed: counts the issue asks for, and idempotence."""

import pytest
from django.core.management import call_command

from accounts.models import User
from cases.models import BodySystem, CasePage, Condition, Specialty

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_twice(client, settings):
    settings.CASEBOOK_DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo")
    counts = (CasePage.objects.count(), Condition.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (CasePage.objects.count(), Condition.objects.count(), User.objects.count()) == counts
    assert Specialty.objects.count() >= 20
    assert BodySystem.objects.count() >= 15
    assert Condition.objects.count() >= 150
    assert Condition.objects.exclude(synonyms="").count() >= 150
    assert CasePage.objects.live().count() >= 30
    assert CasePage.objects.live().values("specialty").distinct().count() >= 10
    assert_curation_seeded()
    assert client.login(username="demo-clinician", password="a-demo-password-for-tests")
    assert client.get("/cases/").status_code == 200
    client.logout()
    assert client.login(username="demo-pending", password="a-demo-password-for-tests")
    assert client.get("/cases/").status_code == 403


def test_seed_demo_adds_a_lively_discussion_once(settings, django_capture_on_commit_callbacks):
    from discussion.models import Comment, ConfirmedDiagnosis, Flag, Proposal, ProposalVote
    from notifications.models import Notification

    settings.CASEBOOK_DEMO_PASSWORD = "a-demo-password-for-tests"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    counts = [m.objects.count() for m in (Comment, Proposal, ProposalVote, Flag)]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")

    assert [m.objects.count() for m in (Comment, Proposal, ProposalVote, Flag)] == counts
    threads = Comment.objects.filter(parent__isnull=True).values("page").distinct().count()
    assert threads >= 10
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(mentions__isnull=False).exists()
    opinion = Proposal.objects.filter(page__case_mode="opinion", votes__isnull=False)
    assert opinion.values("page").distinct().count() >= 8
    assert ConfirmedDiagnosis.objects.exists()
    unanswered = CasePage.objects.live().filter(
        case_mode="opinion", confirmed_diagnosis__isnull=True, proposals__isnull=False
    )
    assert unanswered.exists()
    assert Notification.objects.filter(recipient__username="demo-clinician").count() >= 3
    assert Flag.objects.filter(status="open").count() == 1


def assert_curation_seeded():
    """Issue 9's demo: featured cases, three weeks of case of the week, collections (one a
    quiz), a personal collection and a peer-reviewed case, each once."""
    import datetime

    from django.utils import timezone

    from curation.models import (
        CollectionPage,
        HomeFeaturedCase,
        PeerReview,
        SavedCollection,
        WeeklyCase,
    )
    from curation.models.featured import monday_of

    assert HomeFeaturedCase.objects.exclude(blurb="").count() >= 6
    assert CasePage.objects.filter(featured=True).count() >= 6
    monday = monday_of(timezone.localdate())
    weeks = {monday + datetime.timedelta(weeks=n) for n in range(3)}
    assert weeks <= set(WeeklyCase.objects.values_list("week_starting", flat=True))
    collections = CollectionPage.objects.live()
    assert collections.count() == 3 and collections.filter(quiz=True).count() == 1
    assert all(c.items.count() >= 5 for c in collections)
    saved = SavedCollection.objects.get(owner__username="demo-clinician")
    assert saved.entries.count() >= 3 and saved.shares.count() == 1
    assert PeerReview.objects.count() == 1
