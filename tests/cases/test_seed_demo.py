"""The demo seed: counts the issues ask for, images through the real pipeline, idempotence."""

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from PIL import Image

from accounts.models import User
from cases.demo_media import DEMO_MEDIA
from cases.models import BodySystem, CasePage, Condition, Specialty
from media_pipeline.models import CaseMedia, MediaItem, Upload

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
    _assert_demo_media(client)


def test_seed_demo_adds_a_lively_discussion_once(settings, django_capture_on_commit_callbacks):
    from discussion.models import Comment, ConfirmedDiagnosis, Flag, Proposal, ProposalVote
    from notifications.models import Notification

    settings.CASEBOOK_DEMO_PASSWORD = "a-demo-password-for-tests"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-media")
    counts = [m.objects.count() for m in (Comment, Proposal, ProposalVote, Flag)]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-media")

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


def _assert_demo_media(client):
    """Demo images came through the pipeline and the review, once, as peers see them."""
    uploads = Upload.objects.count()
    assert uploads == len(DEMO_MEDIA), "a second seed uploads nothing again"
    visible = MediaItem.objects.peer_visible()
    assert visible.values("page").distinct().count() >= 8
    ct = visible.get(page__external_id="demo-001")
    assert (ct.modality, ct.plane, ct.instances.count()) == ("CT", "axial", 60)
    assert CaseMedia.objects.get(item=ct).caption.startswith("CT aortogram")
    assert MediaItem.objects.quarantined().get().modality == "US"
    for page in CasePage.objects.filter(external_id__in=DEMO_MEDIA):
        assert page.live and not page.has_unpublished_changes, page.external_id
        assert page.workflow_states.get().status == "approved", page.external_id
    photo = visible.get(kind="photo").instances.get()
    with storages["clinical"].open(photo.source_key) as handle:
        assert not Image.open(handle).getexif(), "EXIF and GPS scrubbed"
    assert client.login(username="demo-clinician", password="a-demo-password-for-tests")
    page = CasePage.objects.get(external_id="demo-006")
    assert "Imaging study · CT" in client.get(page.url).content.decode()


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
