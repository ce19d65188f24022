"""The embedded search backend: the same ``SearchBackend`` contract, answered by the database.

It searches live, unrestricted cases directly (the database is its own index, so ``index``,
``delete`` and ``rebuild`` have nothing to do). Behaviour, kept close to the engine's:

* Query text: the query and each synonym phrasing (``SynonymTable``) are alternatives; within
  one, every word must appear in some searched field. Words of four or more characters match
  inside words ("infarct" finds "infarction"); shorter ones only as whole words ("mi" does not
  match "family"). No typo tolerance: a misspelt word finds nothing here.
* Relevance: weighted count of the fields that match (condition 5, title 3, summary 2, the
  rest 1) plus a bonus when the whole query appears in the title, summary or condition.
* Facets: one GROUP BY per facet, disjunctive like the engine (each facet's counts ignore its
  own selection), most frequent first, at most ``FACET_SIZE`` values.
* "Most discussed" orders by activity, which is 0 until discussion exists: newest first.
"""

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower

from cases.models import CaseDifferential, CasePage, Condition
from search.backends.base import SearchBackend
from search.documents import (
    case_document,
    indexable_cases,
    media_modalities,
    ready_media,
    with_related,
)
from search.highlight import SHORT_TERM, highlight, term_pattern
from search.queries import (
    BOOLEAN_FACETS,
    FACET_FIELDS,
    FACET_SIZE,
    HIGHLIGHT_FIELDS,
    MAX_EXPANSIONS,
    SearchRequest,
    clean_query,
    result_window,
)
from search.results import Facet, FacetValue, Hit, SearchResults, parse_hit
from search.synonyms import SynonymTable

_WORD = re.compile(r"\w+")
#: Words of one phrasing that are matched (each is a scan of the text columns).
MAX_QUERY_WORDS = 12

#: (lookup, weight) of the case fields the query text is matched against.
TEXT_FIELDS = (
    ("diagnosis__name", 5),
    ("diagnosis__synonyms", 5),
    ("title", 3),
    ("summary", 2),
    ("history", 1),
    ("examination", 1),
    ("imaging_findings", 1),
    ("discussion_references", 1),
    ("learning_points", 1),
    ("management_outcome", 1),
)
PHRASE_FIELDS = ("diagnosis__name", "title", "summary")
PHRASE_BONUS = 3

#: facet name -> case lookup of its value (modalities and has_images come from ready media).
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
SORTS = {
    "relevance": ("-score", "-first_published_at", "-pk"),
    "newest": ("-first_published_at", "-pk"),
    "discussed": ("-first_published_at", "-pk"),
}


class DatabaseBackend(SearchBackend):
    def __init__(self, synonyms: SynonymTable | None = None):
        self.synonyms = SynonymTable.from_file() if synonyms is None else synonyms

    def search(self, req: SearchRequest) -> SearchResults:
        phrasings = self._phrasings(req.q)
        matched = indexable_cases().filter(_text_match(phrasings)) if phrasings else None
        if matched is None:
            matched = indexable_cases()
        results = matched.filter(_facet_filter(req.filters))
        total = results.count()
        start, size = result_window(req)
        hits: tuple[Hit, ...] = ()
        if size and start < total:
            if req.effective_sort == "relevance":
                results = results.annotate(score=_score(req.q, phrasings))
            ordered = results.order_by(*SORTS[req.effective_sort])
            hits = self._hits(ordered[start : start + size], phrasings)
        return SearchResults(
            hits=hits,
            total=total,
            page=req.page,
            page_size=req.page_size,
            facets=_facets(matched, req.filters),
        )

    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        text = clean_query(prefix)[:100]
        if not text:
            return []
        conditions = Condition.objects.filter(
            pk__in=indexable_cases().values("diagnosis_id")
        ).filter(Q(name__icontains=text) | Q(synonyms__icontains=text))
        ranked = conditions.annotate(
            starts=Case(When(name__istartswith=text, then=Value(0)), default=Value(1))
        ).order_by("starts", Lower("name"))
        return list(ranked.values_list("name", flat=True)[:limit])

    def related(self, case_id: int, limit: int = 5) -> list[Hit]:
        case = indexable_cases().filter(pk=case_id).first()
        if case is None:
            return []
        systems = list(case.body_systems.values_list("pk", flat=True))
        shares_system = CasePage.body_systems.through.objects.filter(
            casepage_id=OuterRef("pk"), bodysystem_id__in=systems
        )
        score = (
            Case(When(diagnosis_id=case.diagnosis_id, then=Value(4)), default=Value(0))
            + Case(When(specialty_id=case.specialty_id, then=Value(1)), default=Value(0))
            + Case(When(Exists(shares_system), then=Value(1)), default=Value(0))
        )
        similar = (
            indexable_cases()
            .exclude(pk=case_id)
            .annotate(score=score)
            .filter(score__gt=0)
            .order_by("-score", "-first_published_at", "-pk")
        )
        return list(self._hits(similar[:limit], ()))

    def index(self, docs: Iterable[dict[str, Any]]) -> None:
        """Nothing to do: searches read the cases themselves."""

    def delete(self, ids: Iterable[tuple[int, int]]) -> None:
        """Nothing to do: searches only see live, unrestricted cases."""

    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        """Nothing to do: there is no separate index to rebuild."""

    def _phrasings(self, q: str) -> list[list[str]]:
        """The words of the query and of each synonym phrasing of it."""
        if not q:
            return []
        texts = [q, *self.synonyms.expand(q, limit=MAX_EXPANSIONS)]
        phrasings = [list(dict.fromkeys(_WORD.findall(t.lower())))[:MAX_QUERY_WORDS] for t in texts]
        return [words for words in phrasings if words]

    def _hits(self, cases: QuerySet[CasePage], phrasings: list[list[str]]) -> tuple[Hit, ...]:
        pattern = term_pattern(word for words in phrasings for word in words)
        hits = []
        cases = list(with_related(cases))
        modalities = media_modalities(case.pk for case in cases)
        for case in cases:
            doc = case_document(case, version=0, modalities=modalities.get(case.pk, ()))
            marks = {name: highlight(str(doc[name]), pattern) for name in HIGHLIGHT_FIELDS}
            hit = parse_hit(
                {"_id": case.pk, "_score": getattr(case, "score", None), "_source": doc}
            )
            hits.append(replace(hit, highlights={k: (v,) for k, v in marks.items() if v}))
        return tuple(hits)


def _text_match(phrasings: list[list[str]]) -> Q:
    """Any phrasing whose every word appears in some searched field."""
    match = Q()
    for words in phrasings:
        all_words = Q()
        for word in words:
            all_words &= _word_anywhere(word)
        match |= all_words
    return match


def _word_anywhere(word: str) -> Q:
    differentials = CaseDifferential.objects.filter(page=OuterRef("pk")).filter(
        _word_in("free_text", word) | _word_in("condition__name", word)
    )
    found = Q(Exists(differentials))
    for lookup, _weight in TEXT_FIELDS:
        found |= _word_in(lookup, word)
    return found


def _word_in(lookup: str, word: str) -> Q:
    if len(word) > SHORT_TERM:
        return Q(**{f"{lookup}__icontains": word})
    boundary = r"\y" if connection.vendor == "postgresql" else r"\b"
    return Q(**{f"{lookup}__iregex": f"{boundary}{re.escape(word)}{boundary}"})


def _score(q: str, phrasings: list[list[str]]):
    """Weighted count of matching fields, plus a bonus for the whole query in a key field."""
    score: Any = Value(0)
    terms = [word for words in phrasings for word in words]
    for lookup, weight in TEXT_FIELDS:
        in_field = Q()
        for term in terms:
            in_field |= _word_in(lookup, term)
        score += Case(When(in_field, then=Value(weight)), default=Value(0))
    phrase = Q()
    for lookup in PHRASE_FIELDS:
        phrase |= Q(**{f"{lookup}__icontains": q})
    return score + Case(
        When(phrase, then=Value(PHRASE_BONUS)), default=Value(0), output_field=IntegerField()
    )


def _facet_filter(filters: dict[str, tuple[str, ...]]) -> Q:
    """Selected values OR-ed within a facet, facets AND-ed; unknown values match nothing."""
    combined = Q()
    for name, values in filters.items():
        if name not in FACET_FIELDS:
            continue
        combined &= _one_facet(name, values)
    return combined


def _one_facet(name: str, values: tuple[str, ...]) -> Q:
    nothing = Q(pk__in=[])
    if name == "modalities":
        return Q(pk__in=ready_media().filter(modality_label__in=values).values("page_id"))
    if name in BOOLEAN_FACETS:
        flags = {value == "true" for value in values if value in ("true", "false")}
        if not flags:
            return nothing
        if name == "has_images":
            if len(flags) == 2:
                return Q()
            return _has_images() if True in flags else ~_has_images()
        return Q(**{f"{FACET_LOOKUPS[name]}__in": flags})
    lookup = FACET_LOOKUPS[name]
    if name in MULTI_VALUED:
        having = CasePage.objects.filter(**{f"{lookup}__in": values}).values("pk")
        return Q(pk__in=having)
    return Q(**{f"{lookup}__in": values})


def _has_images() -> Q:
    return Q(Exists(ready_media().filter(page_id=OuterRef("pk"))))


def _facets(matched: QuerySet[CasePage], filters: dict[str, tuple[str, ...]]) -> tuple[Facet, ...]:
    facets = []
    for name in FACET_FIELDS:
        others = {key: values for key, values in filters.items() if key != name}
        base = matched.filter(_facet_filter(others))
        counts = _counts(name, base)
        selected = set(filters.get(name, ()))
        values = [FacetValue(value, count, value in selected) for value, count in counts]
        shown = {value for value, _count in counts}
        values += [
            FacetValue(value, 0, True) for value in filters.get(name, ()) if value not in shown
        ]
        facets.append(Facet(name, tuple(values)))
    return tuple(facets)


def _counts(name: str, base: QuerySet[CasePage]) -> list[tuple[str, int]]:
    if name == "modalities":
        rows = (
            ready_media()
            .filter(page_id__in=base.values("pk"))
            .values(value=F("modality_label"))
            .annotate(n=Count("page_id", distinct=True))
            .order_by("-n", "value")[:FACET_SIZE]
        )
        return [(row["value"], row["n"]) for row in rows]
    if name == "has_images":
        with_images = base.filter(_has_images()).count()
        counts = [("false", base.count() - with_images), ("true", with_images)]
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
