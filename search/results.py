"""Engine responses turned into plain dataclasses for views and the API.

``Hit.highlights`` values are safe HTML: the text is escaped and the only markup left is
``<mark>``/``</mark>``, balanced. Every other ``Hit`` string is plain text (templates escape).
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from search.queries import BOOLEAN_FACETS, FACET_FIELDS, SearchRequest, page_count

_MARK = re.compile(r"(</?mark>)")


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Hit:
    id: int
    url: str
    title: str
    condition: str = ""
    specialty: str = ""
    summary: str = ""
    body_systems: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    age_band: str = ""
    sex: str = ""
    certainty: str = ""
    case_mode: str = ""
    tags: tuple[str, ...] = ()
    has_images: bool = False
    featured: bool = False
    published_at: str = ""
    comment_count: int = 0
    proposal_count: int = 0
    score: float | None = None
    #: field name -> safe HTML fragments
    highlights: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults:
    hits: tuple[Hit, ...]
    total: int
    page: int
    page_size: int
    facets: tuple[Facet, ...] = ()
    #: filters recognised in the query's words (``search.understanding.Chip``)
    chips: tuple = ()
    #: the corrected query, when it finds much more than the words as typed ("did you mean")
    suggestion: str = ""
    #: the query had only stop words, so it listed cases without text
    only_stopwords: bool = False

    @property
    def page_count(self) -> int:
        return page_count(self.total, self.page_size)

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def parse_search_response(
    raw: Mapping[str, Any],
    req: SearchRequest,
    filters: Mapping[str, tuple[str, ...]] | None = None,
) -> SearchResults:
    """Results for ``req`` from a ``_search`` response built by ``build_search_body``;
    ``filters``: those the search applied (default ``req.filters``)."""
    total = raw["hits"]["total"]
    return SearchResults(
        hits=tuple(parse_hit(hit) for hit in raw["hits"]["hits"]),
        total=int(total["value"] if isinstance(total, Mapping) else total),
        page=req.page,
        page_size=req.page_size,
        facets=parse_facets(
            raw.get("aggregations", {}), req.filters if filters is None else filters
        ),
    )


def parse_hit(raw_hit: Mapping[str, Any]) -> Hit:
    """One hit from ``_source`` and ``highlight``; missing optional fields get defaults."""
    source = raw_hit.get("_source", {})
    highlights = {
        name: tuple(safe_highlight(fragment) for fragment in fragments)
        for name, fragments in raw_hit.get("highlight", {}).items()
    }
    return Hit(
        id=int(source.get("id", raw_hit.get("_id"))),
        url=str(source.get("url", "")),
        title=str(source.get("title", "")),
        condition=str(source.get("condition", "")),
        specialty=str(source.get("specialty", "")),
        summary=str(source.get("summary", "")),
        body_systems=tuple(source.get("body_systems", ())),
        modalities=tuple(source.get("modalities", ())),
        age_band=str(source.get("age_band", "")),
        sex=str(source.get("sex", "")),
        certainty=str(source.get("certainty", "")),
        case_mode=str(source.get("case_mode", "")),
        tags=tuple(source.get("tags", ())),
        has_images=bool(source.get("has_images", False)),
        featured=bool(source.get("featured", False)),
        published_at=str(source.get("published_at", "")),
        comment_count=int(source.get("comment_count", 0)),
        proposal_count=int(source.get("proposal_count", 0)),
        score=raw_hit.get("_score"),
        highlights=highlights,
    )


def safe_highlight(fragment: str) -> str:
    """Escape ``fragment`` except for ``<mark>``/``</mark>``, which are kept balanced."""
    out = []
    open_mark = False
    for piece in _MARK.split(fragment):
        if piece == "<mark>":
            if not open_mark:
                out.append(piece)
                open_mark = True
        elif piece == "</mark>":
            if open_mark:
                out.append(piece)
                open_mark = False
        else:
            out.append(html.escape(piece, quote=True))
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def parse_facets(
    aggregations: Mapping[str, Any], filters: Mapping[str, tuple[str, ...]]
) -> tuple[Facet, ...]:
    """Facets in ``FACET_FIELDS`` order; selected values absent from the counts appear with 0."""
    facets = []
    for name in FACET_FIELDS:
        agg = aggregations.get(f"facet_{name}")
        if agg is None:
            continue
        selected = set(filters.get(name, ()))
        values = []
        for bucket in agg["values"]["buckets"]:
            value = _bucket_value(name, bucket)
            values.append(FacetValue(value, int(bucket["doc_count"]), value in selected))
        shown = {value.value for value in values}
        values += [
            FacetValue(value, 0, True) for value in filters.get(name, ()) if value not in shown
        ]
        facets.append(Facet(name, tuple(values)))
    return tuple(facets)


def _bucket_value(name: str, bucket: Mapping[str, Any]) -> str:
    if name in BOOLEAN_FACETS:
        return str(bucket.get("key_as_string", "true" if bucket["key"] else "false"))
    return str(bucket["key"])
