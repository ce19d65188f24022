"""The Elasticsearch/OpenSearch implementation of ``SearchBackend``."""

import logging
from collections.abc import Iterable
from typing import Any

from search import conf, indexer
from search.backends.base import SearchBackend
from search.client import EngineClient, IndexMissing, SearchError, SearchUnavailable
from search.queries import (
    SearchRequest,
    build_autocomplete_body,
    build_count_body,
    build_related_body,
    build_search_body,
    clean_query,
    split_facets,
)
from search.results import Hit, SearchResults, parse_hit, parse_search_response
from search.understanding import QueryAnalyzer, QueryPlan

logger = logging.getLogger(__name__)

#: What a search sees when a rebuild deletes the index it resolved the alias to: some shards
#: lost, or all of them (503 search_phase_execution_exception).
_RETRYABLE = frozenset({"shard_failure", "search_phase_execution_exception"})


class EngineBackend(SearchBackend):
    """Searches the alias ``<prefix>cases``; writes through ``search.indexer``."""

    def __init__(
        self,
        client: EngineClient,
        prefix: str | None = None,
        analyzer: QueryAnalyzer | None = None,
    ):
        super().__init__(analyzer)
        self.client = client
        self.prefix = conf.index_prefix() if prefix is None else prefix
        self.alias = indexer.alias_name(self.prefix)
        self._index_ready = False

    def _search(self, req: SearchRequest, plan: QueryPlan) -> SearchResults:
        return self._search_and_count(req, plan, None)[0]

    def _search_and_count(
        self, req: SearchRequest, plan: QueryPlan, uncorrected: QueryPlan | None
    ) -> tuple[SearchResults, int | None]:
        """Hits, facet counts and the uncorrected count in one round trip: the engine runs
        the searches of a multi-search concurrently, and a typo used to cost a second trip."""
        bodies = [*split_facets(build_search_body(req, plan))]
        if uncorrected is not None:
            bodies.append(build_count_body(uncorrected))
        responses = self._read(*bodies)
        if responses is None:
            empty = SearchResults(hits=(), total=0, page=req.page, page_size=req.page_size)
            return empty, None
        hits, facets = responses[:2]
        raw = {**hits, "aggregations": facets["aggregations"]}
        results = parse_search_response(raw, req, filters=plan.filters)
        own = None
        if uncorrected is not None and results.total:
            own = int(responses[2]["hits"]["total"]["value"])
        return results, own

    def _count(self, plan: QueryPlan) -> int:
        responses = self._read(build_count_body(plan))
        return 0 if responses is None else int(responses[0]["hits"]["total"]["value"])

    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        if not clean_query(prefix):
            return []
        responses = self._read(build_autocomplete_body(prefix, limit=limit))
        if responses is None:
            return []
        (raw,) = responses
        names = (hit["_source"].get("condition", "") for hit in raw["hits"]["hits"])
        return [name for name in dict.fromkeys(names) if name]

    def related(self, case_id: int, limit: int = 5) -> list[Hit]:
        responses = self._read(build_related_body(case_id, limit=limit))
        return [] if responses is None else [parse_hit(hit) for hit in responses[0]["hits"]["hits"]]

    def index(self, docs: Iterable[dict[str, Any]]) -> None:
        """Raises ``SearchError`` when documents were rejected (stale versions are not)."""
        self._ensure_index()
        result = indexer.index_documents(self.client, docs, prefix=self.prefix)
        if result.failed:
            raise SearchError(
                f"{len(result.failed)} documents were rejected", error_type=result.failed[0][1]
            )

    def delete(self, ids: Iterable[tuple[int, int]]) -> None:
        """``ids``: (case id, version of the removal), the version newer than the indexed one."""
        self._ensure_index()
        result = indexer.delete_documents(self.client, ids, prefix=self.prefix)
        if result.failed:
            raise SearchError(
                f"{len(result.failed)} deletes failed", error_type=result.failed[0][1]
            )

    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        indexer.rebuild(self.client, docs, prefix=self.prefix)
        self._index_ready = True

    def _ensure_index(self) -> None:
        if not self._index_ready:
            indexer.ensure_index(self.client, self.prefix)
            self._index_ready = True

    def _read(self, *bodies: dict[str, Any]) -> list[dict[str, Any]] | None:
        """Run searches on the alias (one round trip); None when nothing is indexed yet.

        A rebuild deletes the previous index right after the alias swap; a search that
        resolved the alias just before can then miss its index or lose its shards. One
        immediate retry resolves the alias again, to the new index.
        """
        for attempt in (1, 2):
            try:
                if len(bodies) == 1:
                    return [self.client.search(self.alias, bodies[0])]
                return self.client.multi_search(self.alias, list(bodies))
            except IndexMissing:
                if attempt == 2:
                    logger.info("search alias %s does not exist yet", self.alias)
            except SearchUnavailable as error:
                if error.error_type not in _RETRYABLE or attempt == 2:
                    raise
        return None
