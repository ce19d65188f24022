"""The interface every search backend implements; views and the API only see this."""

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from search.queries import SearchRequest
from search.results import Hit, SearchResults
from search.synonyms import SynonymTable
from search.understanding import QueryAnalyzer, QueryPlan

#: "Did you mean" is offered when the corrected query finds at least this many times more.
SUGGESTION_FACTOR = 2


class SearchBackend(ABC):
    """Search over published case documents (dicts as built by ``search.documents``).

    Every backend plans a query the same way (``QueryAnalyzer``) and compiles the plan to its
    own query language. Failures surface as ``search.client.SearchUnavailable`` (try again
    later or fall back) or ``search.client.SearchError``.
    """

    def __init__(self, analyzer: QueryAnalyzer | None = None):
        self.analyzer = analyzer or QueryAnalyzer(SynonymTable.from_file())

    def search(self, req: SearchRequest) -> SearchResults:
        """One page of hits for ``req``, with the total, facet counts, the filters recognised
        in the query's words (``chips``) and a corrected query when it finds much more."""
        plan = self.analyzer.plan(req.q, req.filters)
        uncorrected = plan.without_corrections() if plan.correction else None
        results, own = self._search_and_count(req, plan, uncorrected)
        suggestion = ""
        if own is not None and results.total >= SUGGESTION_FACTOR * max(own, 1):
            suggestion = plan.correction
        return replace(
            results,
            chips=plan.chips,
            suggestion=suggestion,
            only_stopwords=plan.only_stopwords,
        )

    def _search_and_count(
        self, req: SearchRequest, plan: QueryPlan, uncorrected: QueryPlan | None
    ) -> tuple[SearchResults, int | None]:
        """Results for ``plan`` and, when the plan corrected the user's words and found
        something, how many the ``uncorrected`` words find (None otherwise)."""
        results = self._search(req, plan)
        own = self._count(uncorrected) if uncorrected is not None and results.total else None
        return results, own

    @abstractmethod
    def _search(self, req: SearchRequest, plan: QueryPlan) -> SearchResults:
        """Results for ``req`` as the ``plan`` says (its filters replace ``req.filters``)."""

    @abstractmethod
    def _count(self, plan: QueryPlan) -> int:
        """How many cases ``plan`` finds."""

    @abstractmethod
    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        """Distinct condition names matching what the user has typed so far."""

    @abstractmethod
    def related(self, case_id: int, limit: int = 5) -> list[Hit]:
        """Cases similar to ``case_id``, never including it."""

    @abstractmethod
    def index(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add or replace documents; an older ``version`` never replaces a newer one."""

    @abstractmethod
    def delete(self, ids: Iterable[tuple[int, int]]) -> None:
        """Remove cases given as (id, version of the removal)."""

    @abstractmethod
    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        """Replace the whole index with ``docs`` while searches keep working."""
