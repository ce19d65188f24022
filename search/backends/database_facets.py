"""Facets on the database: filters from selected values, and disjunctive counts by GROUP BY.

Values within one facet are OR-ed, facets AND-ed; each facet's counts ignore that facet's own
selection, as in the engine (``search.queries``). Used by ``search.backends.database``.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from cases.models import CasePage
from search.documents import peer_media
from search.queries import BOOLEAN_FACETS, FACET_FIELDS, FACET_SIZE
from search.results import Facet, FacetValue

#: facet name -> case lookup of its value (modalities and has_images come from peer-visible media,
#: peer_reviewed from curation's PeerReview).
FACET_LOOKUPS = {
    "specialty": "specialty__name",
    "body_systems": "body_systems__name",
    "age_band": "age_band",
    "sex": "sex",
    "certainty": "certainty",
    "case_mode": "case_mode",
    "tags": "tags__name",
    "featured": "featured",
    "condition": "diagnosis__name",
}
MULTI_VALUED = frozenset({"body_systems", "tags"})


def facet_filter(filters: dict[str, tuple[str, ...]]) -> Q:
    """Cases with a selected value of every filtered facet; unknown values match nothing."""
    combined = Q()
    for name, values in filters.items():
        if name in FACET_FIELDS:
            combined &= _one_facet(name, values)
    return combined


def facets(matched: QuerySet[CasePage], filters: dict[str, tuple[str, ...]]) -> tuple[Facet, ...]:
    """Every facet's values with counts over ``matched`` filtered by the *other* facets."""
    found = []
    for name in FACET_FIELDS:
        others = {key: values for key, values in filters.items() if key != name}
        counts = _counts(name, matched.filter(facet_filter(others)))
        selected = set(filters.get(name, ()))
        values = [FacetValue(value, count, value in selected) for value, count in counts]
        shown = {value for value, _count in counts}
        values += [
            FacetValue(value, 0, True) for value in filters.get(name, ()) if value not in shown
        ]
        found.append(Facet(name, tuple(values)))
    return tuple(found)


def _one_facet(name: str, values: tuple[str, ...]) -> Q:
    nothing = Q(pk__in=[])
    if name == "modalities":
        return Q(pk__in=peer_media().filter(modality_label__in=values).values("page_id"))
    if name in BOOLEAN_FACETS:
        flags = {value == "true" for value in values if value in ("true", "false")}
        if not flags:
            return nothing
        if name == "has_images":
            if len(flags) == 2:
                return Q()
            return _has_images() if True in flags else ~_has_images()
        if name == "peer_reviewed":
            if len(flags) == 2:
                return Q()
            reviewed = Q(peer_review__isnull=False)
            return reviewed if True in flags else ~reviewed
        return Q(**{f"{FACET_LOOKUPS[name]}__in": flags})
    lookup = FACET_LOOKUPS[name]
    if name in MULTI_VALUED:
        having = CasePage.objects.filter(**{f"{lookup}__in": values}).values("pk")
        return Q(pk__in=having)
    return Q(**{f"{lookup}__in": values})


def _has_images() -> Q:
    return Q(Exists(peer_media().filter(page_id=OuterRef("pk"))))


def _counts(name: str, base: QuerySet[CasePage]) -> list[tuple[str, int]]:
    """(value, cases) pairs, most frequent first then by value, at most ``FACET_SIZE``."""
    if name == "modalities":
        rows = (
            peer_media()
            .filter(page_id__in=base.values("pk"))
            .values(value=F("modality_label"))
            .annotate(n=Count("page_id", distinct=True))
            .order_by("-n", "value")[:FACET_SIZE]
        )
        return [(row["value"], row["n"]) for row in rows]
    if name in ("has_images", "peer_reviewed"):
        having = _has_images() if name == "has_images" else Q(peer_review__isnull=False)
        yes = base.filter(having).count()
        counts = [("false", base.count() - yes), ("true", yes)]
        return sorted((c for c in counts if c[1]), key=lambda c: -c[1])  # ties: key order
    lookup = FACET_LOOKUPS[name]
    rows = (
        base.exclude(**{f"{lookup}__isnull": True})
        .values(value=F(lookup))
        .annotate(n=Count("pk", distinct=name in MULTI_VALUED))
        .order_by("-n", "value")[:FACET_SIZE]
    )
    if name in BOOLEAN_FACETS:
        return [("true" if row["value"] else "false", row["n"]) for row in rows]
    return [(str(row["value"]), row["n"]) for row in rows]
