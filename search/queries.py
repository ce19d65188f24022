"""Search requests: validation of user input, and the engine query bodies built from them.

Everything here is pure: ``SearchRequest`` in, a dict out, tested by comparing dicts.

Behaviour worth knowing:

* The query text is never parsed as engine syntax (only ``match``-family queries are used);
  syntax characters are still replaced by spaces as defence in depth.
* A query longer than ``MAX_QUERY_LENGTH`` characters is cut at the last word boundary before
  the limit (``SearchRequest.query_truncated`` says so); it is not an error.
* Each query word must match somewhere (fuzzily, in any searched text field), except that with
  more than three words a quarter may be missing. Synonym expansions are alternatives with a lower
  boost; an exact phrase match adds a boost.
* Facets use disjunctive counting: values within one facet are OR-ed, facets are AND-ed, and
  each facet's counts ignore that facet's own selection (so other values stay visible).
* Only the first ``MAX_RESULT_WINDOW`` hits can be paged through (an engine limit); the total
  is still exact. A page past the end returns no hits and the right total.
"""

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from search import conf, mapping
from search.mapping import ALL_TEXT_FIELD

if TYPE_CHECKING:
    from search.understanding import Phrasing, QueryPlan

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
MAX_FILTER_VALUES = 20
MAX_FILTER_VALUE_LENGTH = 200
MAX_RESULT_WINDOW = 10_000
FACET_SIZE = 30

ORIGINAL_BOOST = 2.0
PHRASE_BOOST = 3.0
PHRASE_SLOP = 2
#: Edits allowed per word: none below 5 characters, one (a transposition counts as one) up to
#: 8, two from 9. Plain "AUTO" allows one edit from 3 characters and two from 6: several times
#: slower and noisier on short clinical words.
FUZZINESS = "AUTO:5,9"
#: "3<-25%": up to three words all must match; beyond that a quarter may be missing.
WORDS_MINIMUM_SHOULD_MATCH = "3<-25%"

SEARCH_FIELDS = (
    "condition^10",
    "condition_synonyms^10",
    "title^4",
    "summary^3",
    "findings^1.5",
    "history",
    "discussion",
    "learning_points",
    "management",
    "differentials^0.3",
    "negated^0.05",
)
PHRASE_FIELDS = ("condition^5", "title^3", "summary^2", "findings", "history")
# Snippets come from the short fields: highlighting the long history and discussion fields
# doubled p95 at 100k cases (docs/search.md); matches there still count, unmarked.
HIGHLIGHT_FIELDS = ("title", "summary", "findings")
HIGHLIGHT_FRAGMENT_SIZE = 150
SOURCE_FIELDS = (
    "id",
    "url",
    "title",
    "summary",
    "condition",
    *mapping.KEYWORD_FIELDS,
    *mapping.BOOLEAN_FIELDS,
    "published_at",
    "comment_count",
    "proposal_count",
)

#: facet name (also the URL parameter) -> indexed field
FACET_FIELDS = {
    "specialty": "specialty",
    "body_systems": "body_systems",
    "modalities": "modalities",
    "age_band": "age_band",
    "sex": "sex",
    "certainty": "certainty",
    "case_mode": "case_mode",
    "tags": "tags",
    "has_images": "has_images",
    "featured": "featured",
    "peer_reviewed": "peer_reviewed",
    "condition": "condition.keyword",
}
BOOLEAN_FACETS = frozenset({"has_images", "featured", "peer_reviewed"})
_BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}

Sort = Literal["relevance", "newest", "discussed"]
SORTS: dict[str, list[Any]] = {
    "relevance": ["_score", {"published_at": {"order": "desc"}}, {"id": {"order": "desc"}}],
    "newest": [{"published_at": {"order": "desc"}}, {"id": {"order": "desc"}}],
    "discussed": [
        {"activity": {"order": "desc"}},
        {"last_activity_at": {"order": "desc", "missing": "_last"}},
        {"published_at": {"order": "desc"}},
        {"id": {"order": "desc"}},
    ],
}

#: Removed cases stay in the index as versioned tombstones (``search.indexer``): every query
#: excludes them.
TOMBSTONE = {"term": {"deleted": True}}

# Characters with a meaning in query_string/simple_query_string syntax.
_SYNTAX = re.compile(r"""[+\-=&|><!(){}\[\]^"~*?:\\/]""")


class InvalidSearch(ValueError):
    """User input that cannot be turned into a search; the message is safe to show."""


@dataclass(frozen=True)
class SearchRequest:
    """A validated search. Build it from request parameters with ``from_params``."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 20
    query_truncated: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "SearchRequest":
        """Validate query parameters (a Django ``QueryDict`` or a plain mapping).

        ``q``: free text, cleaned and cut to ``MAX_QUERY_LENGTH``. ``sort``: one of ``SORTS``.
        ``page`` (default 1) and ``page_size`` (default ``CASEBOOK_SEARCH["PAGE_SIZE"]``,
        clamped to 1..``MAX_PAGE_SIZE``): positive integers. Facet parameters (names in
        ``FACET_FIELDS``) may repeat; unknown parameters are ignored. Raises
        ``InvalidSearch`` for a sort, page or true/false filter that is not valid.
        """
        raw_q = _first(params, "q")
        q = clean_query(raw_q)
        sort = _first(params, "sort") or "relevance"
        if sort not in SORTS:
            raise InvalidSearch(f"Unknown sort order; use one of: {', '.join(SORTS)}.")
        page = _positive_int(_first(params, "page"), "page", default=1)
        page_size = min(
            _positive_int(_first(params, "page_size"), "page_size", default=conf.page_size()),
            MAX_PAGE_SIZE,
        )
        filters = {}
        for name in FACET_FIELDS:
            values = _clean_values(_all(params, name))
            if name in BOOLEAN_FACETS:  # one spelling, so facet values show as selected
                values = tuple(dict.fromkeys(_canonical_boolean(value, name) for value in values))
            if values:
                filters[name] = values
        return cls(
            q=q,
            filters=filters,
            sort=sort,
            page=page,
            page_size=page_size,
            query_truncated=len(" ".join(raw_q.split())) > MAX_QUERY_LENGTH,
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def effective_sort(self) -> Sort:
        """Relevance means nothing without query text: newest first then."""
        return "newest" if self.sort == "relevance" and not self.q else self.sort


def clean_query(raw: str) -> str:
    """Printable text without engine syntax characters, single-spaced, at most 200 chars."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(_SYNTAX.sub(" ", text).split())
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0]
        text = cut if cut and len(cut) <= MAX_QUERY_LENGTH else text[:MAX_QUERY_LENGTH]
    return text.strip()


def build_search_body(req: SearchRequest, plan: "QueryPlan") -> dict[str, Any]:
    """The ``_search`` body for ``req`` as ``plan`` reads it: query, post_filter, facet aggs,
    highlight, sort, page. The plan's filters (the request's, and those recognised in its
    words) replace ``req.filters``."""
    start, size = result_window(req)
    sort = req.effective_sort if plan.has_text else _without_text(req.effective_sort)
    body: dict[str, Any] = {
        "query": text_query(plan) if plan.has_text else {"bool": {"must_not": [TOMBSTONE]}},
        "aggs": facet_aggregations(plan.filters),
        "sort": SORTS[sort],
        "from": start,
        "size": size,
        "track_total_hits": True,
        "_source": list(SOURCE_FIELDS),
    }
    if plan.filters:
        body["post_filter"] = {"bool": {"filter": filter_clauses(plan.filters)}}
    if plan.has_text:
        body["highlight"] = highlight(plan)
    return body


def build_count_body(plan: "QueryPlan") -> dict[str, Any]:
    """A ``size: 0`` search counting the cases ``plan`` finds, filters applied."""
    query = text_query(plan) if plan.has_text else {"bool": {"must_not": [TOMBSTONE]}}
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"must": [query], "filter": filter_clauses(plan.filters)}},
    }


def _without_text(sort: str) -> str:
    return "newest" if sort == "relevance" else sort


def highlight(plan: "QueryPlan") -> dict[str, Any]:
    """Mark the plan's terms exactly: words as whole words, phrases only as phrases.

    A separate ``highlight_query`` because highlighting with the fuzzy search query builds
    automata per document and field: measured at seconds per search on 5k cases.
    """
    clauses = []
    for term in plan.highlight_terms:
        kind = "phrase_prefix" if term in plan.prefix_terms else "phrase"
        clauses.append(
            {
                "multi_match": {
                    "query": " ".join(term),
                    "type": kind,
                    "fields": list(HIGHLIGHT_FIELDS),
                }
            }
        )
    return {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fragment_size": HIGHLIGHT_FRAGMENT_SIZE,
        "number_of_fragments": 2,
        "fields": {name: {} for name in HIGHLIGHT_FIELDS},
        "highlight_query": {"bool": {"should": clauses, "minimum_should_match": 1}},
    }


def split_facets(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A search body as (hits, facet counts): two searches the engine runs concurrently.

    The facet search has ``size: 0``, which the engine's request cache keeps until the index
    changes: repeated facet counts (the landing page, popular filters) cost nothing.
    """
    hits = {key: value for key, value in body.items() if key != "aggs"}
    facets = {"size": 0, "query": body["query"], "aggs": body["aggs"], "track_total_hits": False}
    return hits, facets


def result_window(req: SearchRequest) -> tuple[int, int]:
    """(from, size) with ``from + size`` capped at ``MAX_RESULT_WINDOW``."""
    start = min(req.offset, MAX_RESULT_WINDOW)
    return start, max(0, min(req.page_size, MAX_RESULT_WINDOW - start))


def page_count(total: int, page_size: int) -> int:
    """Pages that can be shown: only the first ``MAX_RESULT_WINDOW`` hits are reachable."""
    return math.ceil(min(total, MAX_RESULT_WINDOW) / page_size)


def text_query(plan: "QueryPlan") -> dict[str, Any]:
    """Which cases match, and how they rank.

    Match: every term of one phrasing occurs in the case (``all_text``): a word (typo-tolerant
    in the user's own phrasing; the last word also as a word start when the vocabulary does
    not know it), a phrase as a phrase (synonyms are phrases: "heart attack" never matches
    "heart" alone). With more than three words, a quarter of the user's own may be missing.
    Rank: each term per field with the field boosts (the user's phrasing boosted over
    synonyms and corrections), plus a bonus for the user's words as a phrase.
    """
    match_any_phrasing = [_phrasing_match(phrasing, plan) for phrasing in plan.phrasings]
    ranking = []
    for phrasing in plan.phrasings:
        boost = ORIGINAL_BOOST if phrasing.kind == "original" else 1.0
        ranking += [_field_boosted(term, boost) for term in phrasing.terms]
    original = plan.phrasings[0]
    if len(original.terms) > 1:
        ranking.append(
            {
                "multi_match": {
                    "query": original.text,
                    "type": "phrase",
                    "fields": list(PHRASE_FIELDS),
                    "slop": PHRASE_SLOP,
                    "boost": PHRASE_BOOST,
                }
            }
        )
    return {
        "bool": {
            "must": [{"bool": {"should": match_any_phrasing, "minimum_should_match": 1}}],
            "should": ranking,
            "must_not": [TOMBSTONE],
        }
    }


def _phrasing_match(phrasing: "Phrasing", plan: "QueryPlan") -> dict[str, Any]:
    fuzzy = phrasing.kind == "original"
    clauses = [_term_match(term, fuzzy, term in plan.prefix_terms) for term in phrasing.terms]
    if fuzzy and len(clauses) > 3:
        return {"bool": {"should": clauses, "minimum_should_match": WORDS_MINIMUM_SHOULD_MATCH}}
    return {"bool": {"must": clauses}}


def _term_match(term: tuple[str, ...], fuzzy: bool, prefix: bool) -> dict[str, Any]:
    text = " ".join(term)
    if len(term) > 1:
        return {"match_phrase": {ALL_TEXT_FIELD: text}}
    match: dict[str, Any] = {"query": text}
    if fuzzy:
        match.update(fuzziness=FUZZINESS, prefix_length=1, max_expansions=20)
    clause: dict[str, Any] = {"match": {ALL_TEXT_FIELD: match}}
    if prefix:
        starts = {"prefix": {ALL_TEXT_FIELD: {"value": text}}}
        return {"bool": {"should": [clause, starts], "minimum_should_match": 1}}
    return clause


def _field_boosted(term: tuple[str, ...], boost: float) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": " ".join(term),
            "fields": list(SEARCH_FIELDS),
            "type": "phrase" if len(term) > 1 else "best_fields",
            "tie_breaker": 0.3,
            "boost": boost,
        }
    }


def filter_clauses(filters: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """One ``terms`` clause per facet; a facet whose values are all invalid matches nothing."""
    clauses = []
    for name, values in filters.items():
        if name not in FACET_FIELDS:
            continue
        terms: list[Any] = list(values)
        if name in BOOLEAN_FACETS:
            flags = (_BOOLEAN_VALUES.get(value.lower()) for value in values)
            terms = list(dict.fromkeys(flag for flag in flags if flag is not None))
        clause = {"terms": {FACET_FIELDS[name]: terms}} if terms else {"match_none": {}}
        clauses.append(clause)
    return clauses


def facet_aggregations(filters: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """A filtered ``terms`` aggregation per facet, filtered by every *other* facet."""
    aggs = {}
    for name, field_name in FACET_FIELDS.items():
        others = {key: values for key, values in filters.items() if key != name}
        aggs[f"facet_{name}"] = {
            "filter": {"bool": {"filter": filter_clauses(others)}},
            "aggs": {"values": {"terms": {"field": field_name, "size": FACET_SIZE}}},
        }
    return aggs


def build_autocomplete_body(prefix: str, *, limit: int = 10) -> dict[str, Any]:
    """Distinct condition names for what the user has typed so far (non-empty ``prefix``).

    ``match_phrase_prefix`` works with the built-in analysis of every engine (edge n-grams
    and ``search_as_you_type`` need modules that reduced distributions lack); names that start
    with the prefix rank first; matches in a condition's synonyms also count. Collapsing on the
    exact name returns each condition once, best-scoring first.
    """
    text = clean_query(prefix)[:100]
    return {
        "size": limit,
        "_source": ["condition"],
        "query": {
            "bool": {
                "should": [
                    {"prefix": {"condition.lower": {"value": text.lower(), "boost": 3}}},
                    {"match_phrase_prefix": {"condition": {"query": text, "boost": 2}}},
                    {"match_phrase_prefix": {"condition_synonyms": {"query": text}}},
                ],
                "minimum_should_match": 1,
                "must_not": [TOMBSTONE],
            }
        },
        "collapse": {"field": "condition.keyword"},
    }


def build_related_body(doc_id: int, *, limit: int = 5) -> dict[str, Any]:
    """Cases like ``doc_id`` by their condition and text, never the case itself.

    ``min_doc_freq: 2``: a term only the case itself contains cannot find another case.
    """
    return {
        "size": limit,
        "_source": list(SOURCE_FIELDS),
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["condition", "title", "summary", "findings", "history"],
                            "like": [{"_id": str(doc_id)}],
                            "min_term_freq": 1,
                            "min_doc_freq": 2,
                            "max_query_terms": 25,
                            "minimum_should_match": "20%",
                        }
                    }
                ],
                "must_not": [{"ids": {"values": [str(doc_id)]}}, TOMBSTONE],
            }
        },
    }


def _first(params: Mapping[str, Any], name: str) -> str:
    values = _all(params, name)
    return values[0] if values else ""


def _all(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        values = getlist(name)
    else:
        value = params.get(name)
        values = [] if value is None else value if isinstance(value, list | tuple) else [value]
    return [str(value) for value in values]


def _positive_int(raw: str, name: str, *, default: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise InvalidSearch(f"{name} must be a whole number from 1 to 999999999.")
    return int(raw)


def _canonical_boolean(value: str, name: str) -> str:
    flag = _BOOLEAN_VALUES.get(value.lower())
    if flag is None:
        raise InvalidSearch(f"{name} must be true or false.")
    return str(flag).lower()


def _clean_values(values: list[str]) -> tuple[str, ...]:
    # Unprintable characters become spaces, as in the query: no filter value names one, and
    # PostgreSQL refuses NUL in a query parameter (the database backend filters in SQL).
    printable = ("".join(ch if ch.isprintable() else " " for ch in value) for value in values)
    cleaned = (" ".join(value.split())[:MAX_FILTER_VALUE_LENGTH] for value in printable)
    return tuple(dict.fromkeys(value for value in cleaned if value))[:MAX_FILTER_VALUES]
