"""Cases as every curated list shows them: which cases may be listed, and their cards (with a
thumbnail and activity counts) in a fixed number of queries, however many cases there are.

A listed case is one every verified clinician may see: live, not held back by a moderation
flag, and without a view restriction on it or an ancestor (the same rule as search's
``indexable_cases``). The restriction check is a correlated subquery, not Wagtail's
``public()``, which costs a query each time it is used.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import DenseRank, RowNumber, Substr
from wagtail.models import Page, PageViewRestriction

from cases.models import CasePage
from media_pipeline.models import MediaInstance, MediaItem
from search.site import index_generation

CARD_RELATED = ("diagnosis", "specialty", "activity", "peer_review")
THUMBNAIL_CACHE_SECONDS = 600
#: The columns a card reads: a page row has dozens, and compiling and reading them all for
#: every card of a page cost more than running the queries.
CARD_FIELDS = (
    "title",
    "url_path",
    "summary",
    "age_band",
    "sex",
    "case_mode",
    "diagnosis__name",
    "specialty__name",
    "specialty__slug",
    "activity__comment_count",
    "activity__proposal_count",
    "activity__vote_count",
    "activity__last_activity_at",
    "peer_review__reviewed_on",
)


def listable_q(prefix: str = "") -> Q:
    """Cases (reached through ``prefix``, e.g. ``"case__"``) every verified clinician may
    see in a list."""
    restricted = PageViewRestriction.objects.filter(
        page__depth__lte=OuterRef(f"{prefix}depth"),
        page__path=Substr(OuterRef(f"{prefix}path"), 1, F("page__depth") * Page.steplen),
    )
    return Q(
        Q(**{f"{prefix}live": True, f"{prefix}moderation_hold__isnull": True}),
        ~Exists(restricted),
    )


def listable_cases() -> QuerySet[CasePage]:
    return CasePage.objects.filter(listable_q())


def is_listable(case) -> bool:
    return listable_cases().filter(pk=case.pk).exists()


def card_queryset() -> QuerySet[CasePage]:
    """Listable cases with what a card shows joined in (and nothing else)."""
    return listable_cases().select_related(*CARD_RELATED).only(*CARD_FIELDS)


def cards_through(queryset: QuerySet, prefix: str, *own_fields: str) -> QuerySet:
    """``queryset`` (of rows pointing at a case through ``prefix``, e.g. featured entries)
    with each row's case fetched for a card, and only ``own_fields`` of the row itself."""
    return queryset.select_related(
        prefix.rstrip("_"), *(f"{prefix}{name}" for name in CARD_RELATED)
    ).only(*own_fields, *(f"{prefix}{name}" for name in CARD_FIELDS))


@dataclass
class CaseCard:
    """One case as a card. ``quiz_position`` set: shown as an unknown (no title, summary,
    condition or note; a neutral alt text), linking to its quiz step."""

    case: CasePage
    url: str
    thumbnail_id: int | None = None
    thumbnail_alt: str = ""
    blurb: str = ""
    note: str = ""
    quiz_position: int | None = None

    @property
    def hide_condition(self) -> bool:
        return self.quiz_position is not None

    @property
    def activity(self):
        return getattr(self.case, "activity", None)

    @property
    def peer_reviewed(self) -> bool:
        return getattr(self.case, "peer_review", None) is not None


def make_cards(
    cases, request=None, *, blurbs=None, notes=None, quiz_urls=None, thumbs=None
) -> list[CaseCard]:
    """Cards for ``cases`` (fetched with ``CARD_RELATED``), with thumbnails in one query
    (or from ``thumbs``, the ``thumbnails`` of several lists fetched at once).

    ``blurbs``/``notes``: case id -> text. ``quiz_urls``: case id -> its quiz step URL; the
    card then shows the case as an unknown.
    """
    cases = list(cases)
    if thumbs is None:
        thumbs = thumbnails([case.pk for case in cases])
    cards = []
    for position, case in enumerate(cases, start=1):
        thumb_id, alt = thumbs.get(case.pk, (None, ""))
        quiz = quiz_urls is not None
        cards.append(
            CaseCard(
                case=case,
                url=quiz_urls[case.pk] if quiz else case.get_url(request),
                thumbnail_id=thumb_id,
                thumbnail_alt=f"Image of case {position}" if quiz else alt,
                blurb=(blurbs or {}).get(case.pk, ""),
                note="" if quiz else (notes or {}).get(case.pk, ""),
                quiz_position=position if quiz else None,
            )
        )
    return cards


def cards_for(ids, request=None, **kwargs) -> list[CaseCard]:
    """Cards for the listable cases among ``ids``, in the order of ``ids``."""
    ids = list(ids)
    found = {case.pk: case for case in card_queryset().filter(pk__in=ids)}
    return make_cards([found[pk] for pk in ids if pk in found], request, **kwargs)


def thumbnails(page_ids) -> dict[int, tuple[int, str]]:
    """Case id -> (media instance id, alt text) of its card image: the key image (middle
    instance) of the first item of the case's published media that peers may see; cases
    without such media are absent.

    One query, cached until the search index generation moves: every change that can change
    a case's peer-visible media (a publish, an unpublish, a withdrawal, a release) reindexes
    the case and so moves it. A stale entry could at worst name an image the media view then
    refuses: that view checks access on every request.
    """
    page_ids = sorted(set(page_ids))
    if not page_ids:
        return {}
    key = "curation:thumbs:{}:{}".format(
        index_generation(), hashlib.sha256(",".join(map(str, page_ids)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _thumbnails(page_ids)
        cache.set(key, found, THUMBNAIL_CACHE_SECONDS)
    return found


def _thumbnails(page_ids: list[int]) -> dict[int, tuple[int, str]]:
    link = "item__case_links__"
    rows = (
        MediaInstance.objects.filter(
            **{f"{link}page_id__in": page_ids},
            item__in=MediaItem.objects.peer_visible(),
        )
        .annotate(
            case_id=F(f"{link}page_id"),
            item_rank=Window(
                DenseRank(),
                partition_by=[F(f"{link}page_id")],
                order_by=[F(f"{link}sort_order").asc(nulls_last=True), F("item_id").asc()],
            ),
            position=Window(
                RowNumber(),
                partition_by=[F("item_id")],
                order_by=[F("instance_number").asc(nulls_last=True), F("pk").asc()],
            ),
            total=Window(Count("pk"), partition_by=[F("item_id")]),
        )
        .filter(item_rank=1, position=F("total") / 2 + 1)
        .values_list(
            "case_id",
            "pk",
            "item__kind",
            "item__modality",
            "item__body_part",
            "item__series_number",
        )
    )
    return {
        case_id: (
            pk,
            MediaItem(kind=kind, modality=modality, body_part=part, series_number=n).title,
        )
        for case_id, pk, kind, modality, part, n in rows
    }


def key_instances(item_ids) -> dict[int, int]:
    """Media item id -> its key image's instance id (the middle one), for items peers may
    see. One query, cached like ``thumbnails``."""
    item_ids = sorted(set(item_ids))
    if not item_ids:
        return {}
    key = "curation:keys:{}:{}".format(
        index_generation(), hashlib.sha256(",".join(map(str, item_ids)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _key_instances(item_ids)
        cache.set(key, found, THUMBNAIL_CACHE_SECONDS)
    return found


def _key_instances(item_ids: list[int]) -> dict[int, int]:
    rows = (
        MediaInstance.objects.filter(
            item_id__in=item_ids, item__in=MediaItem.objects.peer_visible()
        )
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("item_id")],
                order_by=[F("instance_number").asc(nulls_last=True), F("pk").asc()],
            ),
            total=Window(Count("pk"), partition_by=[F("item_id")]),
        )
        .filter(position=F("total") / 2 + 1)
        .values_list("item_id", "pk")
    )
    return dict(rows)
