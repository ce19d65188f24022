"""The home page of verified clinicians: featured cases, the case of the week, the latest,
the most discussed this week, the editors' collections, unanswered cases in their specialty
and their followed cases with new activity.

What every clinician sees alike (all but the last two) is worked out into case ids and kept
in the cache for a minute, keyed by the search index generation (which moves with every
publish, unpublish, media change and discussion write), the home page's live revision (its
featured list) and the case-of-the-week schedule: a change shows at once, and a featured
entry's dates take effect within the minute. Every request then fetches all the cards in
one query, which checks again that each case may be listed, so nothing unpublished or held
back ever shows from the cache.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models.choices import CaseMode
from curation.collections import collection_cards
from curation.listings import (
    CaseCard,
    card_queryset,
    cards_through,
    listable_cases,
    listable_q,
    make_cards,
    thumbnails,
)
from curation.models import CollectionPage, HomeFeaturedCase, WeeklyCase
from curation.models.featured import monday_of
from search.site import index_generation

SECTION_SIZE = 6
COLLECTIONS_SIZE = 4
FEATURED_SIZE = 8
DISCUSSED_WINDOW = datetime.timedelta(days=7)
SHARED_CACHE_SECONDS = 60
SCHEDULE_VERSION_KEY = "curation:weekly-schedule-version"


@dataclass
class HomeSections:
    featured: list[CaseCard] = field(default_factory=list)
    case_of_the_week: CaseCard | None = None
    #: "scheduled" (an editor chose it for this week), "featured" or "latest" (fallbacks)
    case_of_the_week_source: str = ""
    latest: list[CaseCard] = field(default_factory=list)
    discussed: list[CaseCard] = field(default_factory=list)
    unanswered: list[CaseCard] = field(default_factory=list)
    followed: list[CaseCard] = field(default_factory=list)
    collections: list = field(default_factory=list)
    specialty: object = None


def schedule_changed() -> None:
    """A case of the week was added, changed or removed: the shared sections are stale."""
    try:
        cache.incr(SCHEDULE_VERSION_KEY)
    except ValueError:
        cache.set(SCHEDULE_VERSION_KEY, 1, None)


def featured_entries(home, request, now=None) -> list[HomeFeaturedCase]:
    """The featured entries showing now, in the editors' order, each with its case (only
    what a card shows). In a preview, the unsaved entries of the revision being previewed."""
    now = now or timezone.now()
    if getattr(request, "is_preview", False):
        entries = [entry for entry in home.featured_cases.all() if entry.is_showing(now)]
        ids = [entry.case_id for entry in entries]
        found = {case.pk: case for case in card_queryset().filter(pk__in=ids)}
        for entry in entries:
            entry.case = found.get(entry.case_id)
        return [entry for entry in entries if entry.case is not None][:FEATURED_SIZE]
    showing = (
        HomeFeaturedCase.objects.filter(home_id=home.pk)
        .filter(listable_q("case__"))
        .exclude(show_from__gt=now)
        .exclude(show_until__lte=now)
    )
    return list(
        cards_through(showing, "case__", "blurb", "case_id").order_by("sort_order", "pk")[
            :FEATURED_SIZE
        ]
    )


def shared_sections(home, request, now) -> dict:
    """Case ids (and blurbs) of the sections every clinician sees alike, and the collection
    cards; from the cache unless something they depend on moved, or in a preview."""
    preview = getattr(request, "is_preview", False)
    schedule = cache.get(SCHEDULE_VERSION_KEY, 0)
    key = f"curation:home:{index_generation()}:{home.pk}:{home.live_revision_id}:{schedule}"
    shared = None if preview else cache.get(key)
    if shared is None:
        shared = _work_out_shared(home, request, now)
        if not preview:
            cache.set(key, shared, SHARED_CACHE_SECONDS)
    return shared


def _work_out_shared(home, request, now) -> dict:
    entries = featured_entries(home, request, now)
    weekly = (
        WeeklyCase.objects.filter(week_starting=monday_of(timezone.localdate(now)))
        .filter(listable_q("case__"))
        .values_list("case_id", "blurb")
        .first()
    )
    latest = list(
        listable_cases()
        .order_by("-first_published_at", "-pk")
        .values_list("pk", flat=True)[:SECTION_SIZE]
    )
    discussed = list(
        listable_cases()
        .filter(activity__last_activity_at__gte=now - DISCUSSED_WINDOW)
        .annotate(discussion=F("activity__comment_count") + F("activity__proposal_count"))
        .filter(discussion__gt=0)
        .order_by("-discussion", "-activity__last_activity_at", "-pk")
        .values_list("pk", flat=True)[:SECTION_SIZE]
    )
    # The case of the week never leaves a hole: this week's, else the newest featured
    # entry, else the latest published case.
    if weekly is not None:
        week = (*weekly, "scheduled")
    elif entries:
        newest = max(entries, key=lambda entry: entry.pk or 0)
        week = (newest.case_id, newest.blurb, "featured")
    elif latest:
        week = (latest[0], "", "latest")
    else:
        week = None
    collections = collection_cards(
        CollectionPage.objects.live().order_by("-first_published_at", "-pk")[:COLLECTIONS_SIZE],
        request,
    )
    return {
        "featured": [(entry.case_id, entry.blurb) for entry in entries],
        "week": week,
        "latest": latest,
        "discussed": discussed,
        "collections": collections,
    }


def home_sections(home, request, now=None) -> HomeSections:
    now = now or timezone.now()
    user = request.user
    shared = shared_sections(home, request, now)
    profile = getattr(user, "clinician_profile", None)
    specialty_id = profile.specialty_id if profile else None
    unanswered = []
    if specialty_id is not None:
        unanswered = list(
            card_queryset()
            .filter(specialty_id=specialty_id, case_mode=CaseMode.OPINION)
            .filter(confirmed_diagnosis__isnull=True)
            .order_by("-first_published_at", "-pk")[:SECTION_SIZE]
        )
    followed = _followed_with_news(user)

    wanted = {pk for pk, _blurb in shared["featured"]} | set(shared["latest"])
    wanted |= set(shared["discussed"]) | ({shared["week"][0]} if shared["week"] else set())
    cases = {case.pk: case for case in card_queryset().filter(pk__in=wanted)}
    cases.update((case.pk, case) for case in unanswered + followed)
    thumbs = thumbnails(cases)

    def cards(ids, blurbs=None):
        found = [cases[pk] for pk in ids if pk in cases]
        return make_cards(found, request, blurbs=blurbs, thumbs=thumbs)

    sections = HomeSections(
        featured=cards([pk for pk, _ in shared["featured"]], dict(shared["featured"])),
        latest=cards(shared["latest"]),
        discussed=cards(shared["discussed"]),
        unanswered=make_cards(unanswered, request, thumbs=thumbs),
        followed=make_cards(followed, request, thumbs=thumbs),
        collections=shared["collections"],
    )
    if shared["week"] and shared["week"][0] in cases:
        case_id, blurb, source = shared["week"]
        sections.case_of_the_week = cards([case_id], {case_id: blurb})[0]
        sections.case_of_the_week_source = source
    if specialty_id is not None:
        # The cards carry the specialty; only an empty list needs it fetched.
        sections.specialty = unanswered[0].specialty if unanswered else profile.specialty
    return sections


def _followed_with_news(user) -> list:
    """Cases the user follows with activity since they last opened them, newest first."""
    from discussion.models import Follow

    with_news = (
        Follow.objects.filter(user=user, following=True)
        .filter(listable_q("page__"))
        .filter(page__activity__last_activity_at__gt=Coalesce("last_seen_at", "created_at"))
    )
    rows = cards_through(with_news, "page__", "page_id").order_by(
        "-page__activity__last_activity_at", "-pk"
    )[:SECTION_SIZE]
    return [row.page for row in rows]
