"""The embedded search backend: the same ``SearchBackend`` contract, answered by the database.

It searches live, unrestricted cases directly (the database is its own index, so ``index``,
``delete`` and ``rebuild`` have nothing to do). Behaviour, kept close to the engine's:

* Query text (``database_text``): the query and each synonym phrasing (``SynonymTable``) are
  alternatives; within one, every word must occur in some searched field. No typo tolerance:
  a misspelt word finds nothing here.
* Relevance: weighted count of the fields that match (condition 5, title 3, summary 2, the
  rest 1) plus a bonus when the whole query occurs in the title, summary or condition.
* Facets (``database_facets``): one GROUP BY per facet, disjunctive like the engine.
* "Most discussed" orders by visible comments plus proposals (``discussion.CaseActivity``),
  then by the latest activity, then newest first, as the engine does.

The text match is evaluated once: its case ids (up to ``MATERIALISE_LIMIT``) are then reused
by the count, the page of hits and every facet query.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower
from wagtail.models import Page

from cases.models import CasePage, CaseTag, Condition
from search.backends import database_facets, database_text
from search.backends.base import SearchBackend
from search.documents import indexable_cases, media_modalities, plain_document_text
from search.highlight import highlight, term_pattern
from search.queries import MAX_EXPANSIONS, SearchRequest, clean_query, result_window
from search.results import Hit, SearchResults
from search.synonyms import SynonymTable

_WORD = re.compile(r"\w+")
#: Words of one phrasing that are matched (each is a scan of the text columns).
MAX_QUERY_WORDS = 12
#: Up to this many matching cases, their ids are passed on instead of matching again
#: (well below the bound-parameter limits of SQLite and PostgreSQL).
MATERIALISE_LIMIT = 5_000
#: Visible comments plus proposals, the engine's ``activity``.
DISCUSSION = Coalesce(F("activity__comment_count") + F("activity__proposal_count"), 0)
SORTS = {
    "relevance": ("-score", "-first_published_at", "-pk"),
    "newest": ("-first_published_at", "-pk"),
    "discussed": (
        "-discussion",
        F("activity__last_activity_at").desc(nulls_last=True),
        "-first_published_at",
        "-pk",
    ),
}
_HIT_FIELDS = (
    "pk",
    "title",
    "summary",
    "history",
    "examination",
    "imaging_findings",
    "discussion_references",
    "diagnosis__name",
    "specialty__name",
    "age_band",
    "sex",
    "certainty",
    "case_mode",
    "featured",
    "first_published_at",
)


class DatabaseBackend(SearchBackend):
    def __init__(self, synonyms: SynonymTable | None = None):
        self.synonyms = SynonymTable.from_file() if synonyms is None else synonyms

    def search(self, req: SearchRequest) -> SearchResults:
        phrasings = self._phrasings(req.q)
        matched = indexable_cases()
        if phrasings:
            text_match = database_text.text_match(phrasings)
            matched = _materialised(database_text.with_word_aliases(matched).filter(text_match))
        results = matched.filter(database_facets.facet_filter(req.filters))
        total = results.count()
        start, size = result_window(req)
        hits: tuple[Hit, ...] = ()
        if size and start < total:
            if req.effective_sort == "relevance":
                results = database_text.with_word_aliases(results).annotate(
                    score=database_text.score(req.q, phrasings)
                )
            elif req.effective_sort == "discussed":
                results = results.annotate(discussion=DISCUSSION)
            ordered = results.order_by(*SORTS[req.effective_sort])
            hits = self._hits(ordered[start : start + size], phrasings)
        return SearchResults(
            hits=hits,
            total=total,
            page=req.page,
            page_size=req.page_size,
            facets=database_facets.facets(matched, req.filters),
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
        """Same diagnosis (4), same specialty (1), a shared body system (1); newest first."""
        case = indexable_cases().filter(pk=case_id).values("diagnosis_id", "specialty_id").first()
        if case is None:
            return []
        through = CasePage.body_systems.through
        systems = through.objects.filter(casepage_id=case_id).values("bodysystem_id")
        shares_system = through.objects.filter(
            casepage_id=OuterRef("pk"), bodysystem_id__in=systems
        )
        score = (
            Case(When(diagnosis_id=case["diagnosis_id"], then=Value(4)), default=Value(0))
            + Case(When(specialty_id=case["specialty_id"], then=Value(1)), default=Value(0))
            + Case(When(Exists(shares_system), then=Value(1)), default=Value(0))
        )
        similar = (
            indexable_cases()
            .exclude(pk=case_id)
            .annotate(score=score)
            .filter(score__gt=0)
            .order_by("-score", "-first_published_at", "-pk")
        )
        return list(self._hits(similar[:limit], []))

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
        """Hits for one page of cases, read with a handful of queries (no model instances)."""
        fields = [*_HIT_FIELDS, "score"] if "score" in cases.query.annotations else _HIT_FIELDS
        rows = list(cases.values(*fields))
        ids = [row["pk"] for row in rows]
        urls = {
            page.pk: page.get_url()
            for page in Page.objects.filter(pk__in=ids).only(
                "id", "path", "depth", "locale_id", "url_path"
            )
        }
        systems = _names_by_case(
            CasePage.body_systems.through.objects.filter(casepage_id__in=ids).values_list(
                "casepage_id", "bodysystem__name"
            )
        )
        tags = _names_by_case(
            CaseTag.objects.filter(content_object_id__in=ids).values_list(
                "content_object_id", "tag__name"
            )
        )
        modalities = media_modalities(ids)
        pattern = term_pattern(word for words in phrasings for word in words)
        return tuple(
            _hit(row, urls.get(row["pk"]) or "", systems, tags, modalities, pattern) for row in rows
        )


def _materialised(matched: QuerySet[CasePage]) -> QuerySet[CasePage]:
    ids = list(matched.values_list("pk", flat=True)[: MATERIALISE_LIMIT + 1])
    if len(ids) > MATERIALISE_LIMIT:
        return matched
    return CasePage.objects.filter(pk__in=ids)


def _names_by_case(pairs: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for case_id, name in pairs:
        found.setdefault(case_id, []).append(name)
    return {case_id: tuple(sorted(names)) for case_id, names in found.items()}


def _hit(row, url, systems, tags, modalities, pattern) -> Hit:
    case_id = row["pk"]
    findings = " ".join(
        plain_document_text(row[name]) for name in ("examination", "imaging_findings")
    )
    texts = {
        "title": row["title"],
        "summary": row["summary"],
        "history": plain_document_text(row["history"]),
        "findings": findings,
        "discussion": plain_document_text(row["discussion_references"]),
    }
    marks = {name: highlight(text, pattern) for name, text in texts.items()}
    published = row["first_published_at"]
    return Hit(
        id=case_id,
        url=url,
        title=row["title"],
        condition=row["diagnosis__name"],
        specialty=row["specialty__name"],
        summary=row["summary"],
        body_systems=systems.get(case_id, ()),
        modalities=modalities.get(case_id, ()),
        age_band=row["age_band"],
        sex=row["sex"],
        certainty=row["certainty"],
        case_mode=row["case_mode"],
        tags=tags.get(case_id, ()),
        has_images=bool(modalities.get(case_id)),
        featured=row["featured"],
        published_at=published.isoformat() if published else "",
        score=row.get("score"),
        highlights={name: (mark,) for name, mark in marks.items() if mark},
    )
