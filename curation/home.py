"""The home page of verified clinicians: featured cases, the case of the week, the latest,
the most discussed this week, unanswered cases in their specialty and their followed cases
with new activity. Each section is one query; the thumbnails of every card one more."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models.choices import CaseMode
from curation.listings import (
    CaseCard,
    card_queryset,
    cards_through,
    listable_q,
    make_cards,
    thumbnails,
)
from curation.models import HomeFeaturedCase, WeeklyCase
from curation.models.featured import monday_of

SECTION_SIZE = 6
FEATURED_SIZE = 8
DISCUSSED_WINDOW = datetime.timedelta(days=7)


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
    specialty: object = None


def featured_entries(home, request, now=None) -> list[HomeFeaturedCase]:
    """The featured entries showing now, in the editors' order, each with its case.

    In a preview the entries are the unsaved ones of the revision being previewed."""
    now = now or timezone.now()
    if getattr(request, "is_preview", False):
        entries = [entry for entry in home.featured_cases.all() if entry.is_showing(now)]
        ids = [entry.case_id for entry in entries]
        found = {case.pk: case for case in card_queryset().filter(pk__in=ids)}
        for entry in entries:
            entry.case = found.get(entry.case_id)
        return [entry for entry in entries if entry.case is not None]
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


def weekly_case(today: datetime.date):
    this_week = WeeklyCase.objects.filter(week_starting=monday_of(today)).filter(
        listable_q("case__")
    )
    return cards_through(this_week, "case__", "blurb", "case_id").first()


def home_sections(home, request, now=None) -> HomeSections:
    now = now or timezone.now()
    user = request.user
    sections = HomeSections()
    entries = featured_entries(home, request, now)
    weekly = weekly_case(timezone.localdate(now))
    latest = list(card_queryset().order_by("-first_published_at", "-pk")[:SECTION_SIZE])
    discussed = list(
        card_queryset()
        .filter(activity__last_activity_at__gte=now - DISCUSSED_WINDOW)
        .annotate(discussion=F("activity__comment_count") + F("activity__proposal_count"))
        .filter(discussion__gt=0)
        .order_by("-discussion", "-activity__last_activity_at", "-pk")[:SECTION_SIZE]
    )
    profile = getattr(user, "clinician_profile", None)
    specialty_id = profile.specialty_id if profile else None
    specialty, unanswered = None, []
    if specialty_id is not None:
        unanswered = list(
            card_queryset()
            .filter(specialty_id=specialty_id, case_mode=CaseMode.OPINION)
            .filter(confirmed_diagnosis__isnull=True)
            .order_by("-first_published_at", "-pk")[:SECTION_SIZE]
        )
        # The cards carry the specialty; only an empty list needs it fetched.
        specialty = unanswered[0].specialty if unanswered else profile.specialty
    followed = _followed_with_news(user)

    # The case of the week never leaves a hole: this week's, else the newest featured
    # entry, else the latest published case.
    if weekly is not None:
        week_case, blurb, source = weekly.case, weekly.blurb, "scheduled"
    elif entries:
        newest = max(entries, key=lambda entry: entry.pk or 0)
        week_case, blurb, source = newest.case, newest.blurb, "featured"
    elif latest:
        week_case, blurb, source = latest[0], "", "latest"
    else:
        week_case, blurb, source = None, "", ""

    every_case = [entry.case for entry in entries] + latest + discussed + unanswered + followed
    if week_case is not None:
        every_case.append(week_case)
    thumbs = thumbnails({case.pk for case in every_case})

    def cards(cases, blurbs=None):
        return make_cards(cases, request, blurbs=blurbs, thumbs=thumbs)

    sections.featured = cards(
        [entry.case for entry in entries], {entry.case_id: entry.blurb for entry in entries}
    )
    if week_case is not None:
        sections.case_of_the_week = cards([week_case], {week_case.pk: blurb})[0]
        sections.case_of_the_week_source = source
    sections.latest = cards(latest)
    sections.discussed = cards(discussed)
    sections.unanswered = cards(unanswered)
    sections.followed = cards(followed)
    sections.specialty = specialty
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
