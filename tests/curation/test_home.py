"""The clinicians' home page: featured cases within their dates, the case of the week and
its fallbacks, latest, most discussed this week, unanswered in my specialty, followed cases
with new activity; thumbnails only from media peers may see."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import HomePage
from curation.models import HomeFeaturedCase, WeeklyCase
from curation.models.featured import monday_of
from discussion import services as discussion
from media_pipeline.models import MediaStatus
from tests.factories import CasePageFactory, make_clinician

pytestmark = pytest.mark.django_db


def feature(case, blurb="Worth a look.", **window):
    home = HomePage.objects.get()
    order = HomeFeaturedCase.objects.count()
    return HomeFeaturedCase.objects.create(
        home=home, case=case, blurb=blurb, sort_order=order, **window
    )


def sections(client, user):
    """The sections as computed now (the shared part's cache is tested on its own)."""
    cache.clear()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.context["home"]


def titles(cards):
    return [card.case.title for card in cards]


def test_featured_cases_show_within_their_dates_in_the_editors_order(client, reader, author):
    now = timezone.now()
    first = CasePageFactory(owner=author, title="First")
    later = CasePageFactory(owner=author, title="Starts tomorrow")
    ended = CasePageFactory(owner=author, title="Ended")
    second = CasePageFactory(owner=author, title="Second")
    feature(first, "The classic.")
    feature(later, show_from=now + datetime.timedelta(days=1))
    feature(ended, show_until=now - datetime.timedelta(minutes=1))
    feature(second, show_from=now - datetime.timedelta(days=1))

    home = sections(client, reader)

    assert titles(home.featured) == ["First", "Second"]
    assert home.featured[0].blurb == "The classic."


def test_an_unpublished_featured_case_drops_off(client, reader, case):
    feature(case)
    case.unpublish()
    assert sections(client, reader).featured == []


def test_case_of_the_week_falls_back_to_featured_then_latest(client, reader, author):
    latest = CasePageFactory(owner=author, title="Latest")
    assert sections(client, reader).case_of_the_week.case == latest
    assert sections(client, reader).case_of_the_week_source == "latest"

    featured = CasePageFactory(owner=author, title="Featured")
    CasePageFactory(owner=author, title="Newer still")
    feature(featured, "Blurb")
    home = sections(client, reader)
    assert (home.case_of_the_week.case, home.case_of_the_week_source) == (featured, "featured")

    weekly = CasePageFactory(owner=author, title="Chosen")
    WeeklyCase.objects.create(week_starting=monday_of(timezone.localdate()), case=weekly)
    WeeklyCase.objects.create(
        week_starting=monday_of(timezone.localdate()) + datetime.timedelta(weeks=1), case=latest
    )
    home = sections(client, reader)
    assert (home.case_of_the_week.case, home.case_of_the_week_source) == (weekly, "scheduled")


def test_most_discussed_this_week_and_unanswered_in_my_specialty(client, reader, author):
    quiet = CasePageFactory(owner=author, title="Quiet")
    busy = CasePageFactory(owner=author, title="Busy", case_mode="opinion")
    mine = CasePageFactory(
        owner=author, title="Cardiology question", case_mode="opinion",
        specialty=reader.clinician_profile.specialty,
    )  # fmt: skip
    for text in ("One", "Two"):
        discussion.add_comment(busy, author, text)
    discussion.add_comment(mine, author, "Three")

    home = sections(client, reader)

    assert titles(home.discussed) == ["Busy", "Cardiology question"]
    assert "Quiet" not in titles(home.discussed) and quiet.live
    assert titles(home.unanswered) == ["Cardiology question"]
    assert home.specialty.name == "Cardiology"


def test_followed_cases_with_news_since_my_last_visit(client, reader, author, case):
    discussion.follow(reader, case)
    discussion.add_comment(case, author, "Before I looked")
    assert titles(sections(client, reader).followed) == [case.title]

    client.get(case.url)  # looking at the case marks its activity as seen
    assert sections(client, reader).followed == []

    discussion.add_comment(case, author, "After I looked")
    assert titles(sections(client, reader).followed) == [case.title]
    discussion.unfollow(reader, case)
    assert sections(client, reader).followed == []


def test_cards_show_a_thumbnail_only_from_media_peers_see(client, reader, author, photo):
    with_photo = CasePageFactory(owner=author, title="With photo")
    instance = photo(with_photo, author)
    held_back = CasePageFactory(owner=author, title="Quarantined photo")
    photo(held_back, author, status=MediaStatus.QUARANTINED)
    unreviewed = CasePageFactory(owner=author, title="Photo awaiting review")
    photo(unreviewed, author, publish=False)

    home = sections(client, reader)

    thumbs = {card.case.title: card.thumbnail_id for card in home.latest}
    assert thumbs == {
        "With photo": instance.pk, "Quarantined photo": None, "Photo awaiting review": None
    }  # fmt: skip
    html = client.get("/").content.decode()
    assert f"/media/file/{instance.pk}/thumbnail/" in html


def test_anonymous_visitors_see_only_the_landing_page(client, case):
    feature(case, "Secret blurb")
    html = client.get("/").content.decode()
    assert "Sign up" in html
    assert case.title not in html and "Secret blurb" not in html


def test_query_count_does_not_grow_with_cases(client, author):
    reader = make_clinician(specialty=author.clinician_profile.specialty)

    def count():
        client.force_login(reader)
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    for number in range(3):
        feature(CasePageFactory(owner=author, title=f"Featured {number}"))
    few = count()
    for number in range(12):
        case = CasePageFactory(owner=author, title=f"More {number}", case_mode="opinion")
        discussion.follow(reader, case)
        discussion.add_comment(case, author, "news")
        feature(case)
    assert count() == few <= 15


def test_shared_sections_follow_changes_at_once(
    client, reader, author, editor, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    assert client.get("/").context["home"].latest == []
    with django_capture_on_commit_callbacks(execute=True):
        case = CasePageFactory(owner=author, live=False, title="Just published")
        case.save_revision(user=author).publish(user=editor)
    assert titles(client.get("/").context["home"].latest) == ["Just published"]

    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    assert client.get("/").context["home"].latest == []

    other = CasePageFactory(owner=author, title="Of the week")
    client.get("/")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/snippets/curation/weeklycase/add/",
            {"week_starting": timezone.localdate().isoformat(), "case": other.pk},
        )
    client.force_login(reader)
    home = client.get("/").context["home"]
    assert (home.case_of_the_week.case, home.case_of_the_week_source) == (other, "scheduled")
