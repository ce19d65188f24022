"""The embedded search backend: a real full-text index inside the site's own database.

Same ``SearchBackend`` contract as the engine. Documents (``search.documents``) are written
to ``IndexedCase`` rows (what results show and facets count) and to a full-text index kept
beside them: FTS5 on SQLite (``fts_sqlite``), a weighted ``tsvector`` with GIN on PostgreSQL
(``fts_postgres``). The outbox drives ``index``/``delete`` exactly as for the engine, with the
same versions: an older change never replaces a newer one, removals are tombstones.

A search compiles the ``QueryPlan`` to the database's full-text query (all matching ids with
a score), then filters, counts facets and sorts on the process's ``FacetTable`` (numpy
columns refreshed from the rows that changed since the index generation it last saw). One
page of rows is then read for display, highlighted in Python (whole words and phrases only).
"""

import json
import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from django.db import DatabaseError, connections, transaction
from django.db.models import F

from search.backends import fts_postgres, fts_sqlite, text_columns
from search.backends.base import SearchBackend
from search.backends.facet_table import FacetTable, compact_row
from search.client import SearchUnavailable
from search.highlight import highlight, term_pattern
from search.models import IndexedCase, IndexState
from search.queries import SearchRequest, clean_query, result_window
from search.results import Hit, SearchResults
from search.synonyms import normalise_words
from search.textmatch import CaseText, plan_matches
from search.understanding import QueryAnalyzer, QueryPlan

logger = logging.getLogger(__name__)

TEXT_INDEXES = {"sqlite": fts_sqlite, "postgresql": fts_postgres}
WRITE_BATCH = 500
#: Matches (after filters) up to which every one is ranked by the index; see ``_scores``.
RANK_LIMIT = 3_000
DIAGNOSIS_TIER = 1_000.0
HIGHLIGHT_FIELDS = ("title", "summary", "findings")


class _Snapshot:
    """A process's view of the index: compact rows and the facet table built from them."""

    def __init__(self):
        self.token = None
        self.generation = -1
        self.rows: dict[int, tuple] = {}
        self.table = FacetTable({})


_snapshots: dict[str, _Snapshot] = {}
_snapshot_lock = threading.Lock()


class DatabaseBackend(SearchBackend):
    def __init__(self, analyzer: QueryAnalyzer | None = None, using: str = "default"):
        super().__init__(analyzer)
        self.using = using

    @property
    def _connection(self):
        return connections[self.using]

    @property
    def _text(self):
        vendor = self._connection.vendor
        if vendor not in TEXT_INDEXES:
            raise SearchUnavailable(f"no full-text index on {vendor}", error_type="unsupported")
        return TEXT_INDEXES[vendor]

    # --- reading -----------------------------------------------------------------------

    def _search(self, req: SearchRequest, plan: QueryPlan) -> SearchResults:
        table = self.facet_table()
        matched = self._matched(table, plan) if plan.has_text else np.ones(len(table), bool)
        results = matched & table.filters_mask(plan.filters)
        many = int(matched.sum()) > RANK_LIMIT
        total = int(results.sum())
        start, size = result_window(req)
        hits: tuple[Hit, ...] = ()
        if size and start < total:
            sort = req.effective_sort if plan.has_text else _without_text(req.effective_sort)
            scores = self._scores(table, plan, results, many) if sort == "relevance" else None
            ordered = table.order(results, sort, scores)[start : start + size]
            page_ids = [int(table.ids[p]) for p in ordered]
            score_of = (
                {} if scores is None else {int(table.ids[p]): float(scores[p]) for p in ordered}
            )
            hits = self._hits(page_ids, plan, score_of)
        return SearchResults(
            hits=hits,
            total=total,
            page=req.page,
            page_size=req.page_size,
            facets=table.facets(matched, plan.filters),
        )

    def _count(self, plan: QueryPlan) -> int:
        """Cases the plan's text matches (filters applied)."""
        table = self.facet_table()
        return int((self._matched(table, plan) & table.filters_mask(plan.filters)).sum())

    def _matched(self, table: FacetTable, plan: QueryPlan) -> np.ndarray:
        ids = np.array(self._run(self._text.match, plan), dtype=np.int64)
        positions = table.positions_of(ids)
        matched = np.zeros(len(table), dtype=bool)
        matched[positions[positions >= 0]] = True
        return matched

    def _scores(
        self, table: FacetTable, plan: QueryPlan, rows: np.ndarray, many: bool
    ) -> np.ndarray:
        """Relevance of the ``rows`` (a higher score ranks higher).

        When the query matches at most ``RANK_LIMIT`` cases: the index's own ranking (bm25,
        ts_rank). With ``many`` matches, ranking every one costs more than the target allows
        (bm25 is ten times the match itself): the rows whose diagnosis matches the query
        come first, ranked by the index on the diagnosis column, then the rest, newest
        first. The diagnosis still outranks a passing mention.
        """
        scores = np.zeros(len(table), dtype=np.float64)
        ranked, columns = rows, ()
        if many:
            names = self._conditions_matching(table, plan)
            ranked = rows & table.filter_mask("condition", names)
            scores[ranked] = DIAGNOSIS_TIER
            columns = ("condition",)
        ids = [int(i) for i in table.ids[ranked]]
        if ids:
            found = self._run(self._text.scores, plan, ids, columns)
            positions = table.positions_of(np.array([row[0] for row in found], dtype=np.int64))
            known = positions >= 0
            scores[positions[known]] += np.array([row[1] for row in found], dtype=np.float64)[known]
        return scores

    def _conditions_matching(self, table: FacetTable, plan: QueryPlan) -> tuple[str, ...]:
        """Condition names (with their synonyms) that the plan matches, checked in Python."""
        synonyms = self.analyzer.synonyms
        names = []
        for name in table.labels["condition"]:
            phrases = _phrases_like(synonyms, normalise_words(name))
            text = CaseText([name, *(" ".join(phrase) for phrase in phrases)])
            if plan_matches(text, plan):
                names.append(name)
        return tuple(names)

    def _run(self, query, *args):
        try:
            with self._connection.cursor() as cursor:
                return query(cursor, *args)
        except DatabaseError as error:
            logger.error("database search failed: %s", type(error).__name__)
            raise SearchUnavailable("the database index failed", error_type="database") from None

    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        """Conditions of indexed cases whose name, or a synonym of it, contains the words
        typed; names starting with them first."""
        text = " ".join(normalise_words(clean_query(prefix)[:100]))
        if not text:
            return []
        synonyms = self.analyzer.synonyms
        starts, contains = [], []
        for name in sorted(self.facet_table().labels["condition"], key=str.lower):
            folded = " ".join(normalise_words(name))
            if folded.startswith(text):
                starts.append(name)
            elif text in folded or any(
                text in " ".join(phrase)
                for phrase in _phrases_like(synonyms, normalise_words(name))
            ):
                contains.append(name)
        return (starts + contains)[:limit]

    def related(self, case_id: int, limit: int = 5) -> list[Hit]:
        table = self.facet_table()
        row = IndexedCase.objects.using(self.using).filter(page_id=case_id, deleted=False)
        source = row.values_list("source", flat=True).first()
        if source is None:
            return []
        ids = table.related(case_id, source, limit)
        return list(self._hits(ids, QueryPlan(), {}))

    def _hits(self, ids: list[int], plan: QueryPlan, scores: dict[int, float]) -> tuple[Hit, ...]:
        if not ids:
            return ()
        # Plain SQL: this runs on every search, and the ORM's overhead was a third of it.
        table = IndexedCase._meta.db_table
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"SELECT page_id, source FROM {table} "  # noqa: S608
                f"WHERE NOT deleted AND page_id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            sources = {
                case_id: source if isinstance(source, dict) else json.loads(source)
                for case_id, source in cursor.fetchall()
            }
        pattern = term_pattern(plan.highlight_terms, plan.prefix_terms)
        return tuple(
            _hit(case_id, sources[case_id], pattern, scores.get(case_id))
            for case_id in ids
            if case_id in sources
        )

    def facet_table(self) -> FacetTable:
        """This process's facet table, brought up to the index's current generation."""
        snapshot = _snapshots.setdefault(self._snapshot_key(), _Snapshot())
        token, generation, reset = self._generation()
        if (token, generation) == (snapshot.token, snapshot.generation):
            return snapshot.table
        with _snapshot_lock:
            if (token, generation) != (snapshot.token, snapshot.generation):
                # after a rebuild or a clear, rows may have gone without a tombstone
                fresh = token == snapshot.token and snapshot.generation >= reset
                since = snapshot.generation if fresh else -1
                changed = (
                    IndexedCase.objects.using(self.using)
                    .filter(generation__gt=since)
                    .values_list("page_id", "deleted", "source")
                )
                rows = dict(snapshot.rows) if since >= 0 else {}
                for case_id, deleted, source in changed.iterator(chunk_size=2000):
                    if deleted:
                        rows.pop(case_id, None)
                    else:
                        rows[case_id] = compact_row(source)
                snapshot.rows, snapshot.table = rows, FacetTable(rows)
                snapshot.token, snapshot.generation = token, generation
        return snapshot.table

    def _snapshot_key(self) -> str:
        settings = self._connection.settings_dict
        return f"{self.using}:{settings['NAME']}:{settings.get('HOST', '')}"

    def _generation(self) -> tuple:
        """(state row token, generation, generation of the last rebuild or clear)."""
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT token, generation, reset_generation "  # noqa: S608
                f"FROM {IndexState._meta.db_table} ORDER BY id LIMIT 1"
            )
            state = cursor.fetchone()
        return tuple(state) if state else (None, 0, 0)

    # --- writing -----------------------------------------------------------------------

    def index(self, docs: Iterable[dict[str, Any]]) -> None:
        """Write documents in batches; a document older than the row's version is skipped."""
        for batch in _batches(docs, WRITE_BATCH):
            self._write(batch)

    def delete(self, ids: Iterable[tuple[int, int]]) -> None:
        removals = list(ids)
        if not removals:
            return
        with transaction.atomic(using=self.using):
            generation = self._next_generation()
            with self._connection.cursor() as cursor:
                removed = [
                    case_id
                    for case_id, version in removals
                    if _upsert(cursor, case_id, version, generation, None)
                ]
                self._text.remove(cursor, removed)

    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        """Write every document, then drop rows the rebuild did not write. Resumable: an
        interrupted rebuild continues after the last case it wrote when called with the
        documents after ``resume_after()`` (``search.services.rebuild_index`` does)."""
        self.ensure_text_index()
        with transaction.atomic(using=self.using):
            state = self._state(lock=True)
            if state.rebuild_generation is None:
                IndexState.objects.using(self.using).filter(pk=state.pk).update(
                    rebuild_generation=state.generation + 1, rebuild_after_id=0
                )
        for batch in _batches(docs, WRITE_BATCH):
            self._write(batch, rebuilding=True)
        with transaction.atomic(using=self.using):
            state = self._state(lock=True)
            stale = IndexedCase.objects.using(self.using).filter(
                generation__lt=state.rebuild_generation
            )
            stale_ids = list(stale.values_list("page_id", flat=True))
            with self._connection.cursor() as cursor:
                self._text.remove(cursor, stale_ids)
            stale.delete()
            IndexState.objects.using(self.using).filter(pk=state.pk).update(
                generation=F("generation") + 1,
                reset_generation=F("generation") + 1,
                rebuild_generation=None,
                rebuild_after_id=0,
            )

    def resume_after(self) -> int:
        """The last case id an interrupted rebuild wrote (0: start from the beginning)."""
        state = self._state()
        return state.rebuild_after_id if state.rebuild_generation is not None else 0

    def ensure_text_index(self) -> bool:
        """Create the full-text index if it is missing (a restored or hand-copied database).
        True when it had to be created: every row must then be written again."""
        text = self._text
        with self._connection.cursor() as cursor:
            if text.exists(cursor):
                return False
            text.create(cursor)
        return True

    def indexed_count(self) -> int:
        return IndexedCase.objects.using(self.using).filter(deleted=False).count()

    def clear(self) -> None:
        """Empty the index (tests and benchmarks)."""
        with transaction.atomic(using=self.using):
            with self._connection.cursor() as cursor:
                self._text.clear(cursor)
            IndexedCase.objects.using(self.using).all().delete()
            self._state(lock=True)
            IndexState.objects.using(self.using).update(
                generation=F("generation") + 1,
                reset_generation=F("generation") + 1,
                rebuild_generation=None,
                rebuild_after_id=0,
            )

    def _write(self, batch: list[dict[str, Any]], rebuilding: bool = False) -> None:
        with transaction.atomic(using=self.using):
            generation = self._next_generation()
            written = []
            with self._connection.cursor() as cursor:
                for doc in batch:
                    if _upsert(cursor, doc["id"], int(doc["version"]), generation, doc):
                        written.append((doc["id"], text_columns.column_texts(doc)))
                self._text.replace(cursor, written)
            if rebuilding and batch:
                IndexState.objects.using(self.using).update(rebuild_after_id=batch[-1]["id"])

    def _state(self, lock: bool = False) -> IndexState:
        states = IndexState.objects.using(self.using)
        if lock:
            states = states.select_for_update()
        state = states.order_by("pk").first()
        if state is None:
            state = IndexState.objects.using(self.using).create()
        return state

    def _next_generation(self) -> int:
        """Bump the generation inside the caller's transaction. The row stays locked until
        commit (PostgreSQL row lock; SQLite's single writer), so generations commit in order
        and a process that has seen generation N has seen every row written up to N."""
        state = self._state(lock=True)
        IndexState.objects.using(self.using).filter(pk=state.pk).update(
            generation=F("generation") + 1
        )
        return state.generation + 1


def _upsert(cursor, case_id: int, version: int, generation: int, doc: dict | None) -> bool:
    """Insert or replace one row unless a newer version is there; True when written.
    ``doc`` None writes a tombstone."""
    table = IndexedCase._meta.db_table
    source = json.dumps(text_columns.source(doc) if doc else {})
    cursor.execute(
        f"INSERT INTO {table} (page_id, version, deleted, generation, source) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (page_id) DO UPDATE SET "
        "version = excluded.version, deleted = excluded.deleted, "
        "generation = excluded.generation, source = excluded.source "
        f"WHERE {table}.version <= excluded.version",
        [case_id, version, doc is None, generation, source],
    )
    return cursor.rowcount > 0


def _batches(docs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _without_text(sort: str) -> str:
    return "newest" if sort == "relevance" else sort


def _phrases_like(synonyms, name_words: tuple[str, ...]):
    """The synonym phrasings of a condition name (none when the table does not know it)."""
    for start, end, sets in synonyms.phrase_matches(name_words):
        if start == 0 and end == len(name_words):
            return synonyms.phrases_of(sets)
    return ()


def _hit(case_id: int, source: dict[str, Any], pattern, score: float | None) -> Hit:
    marks = {name: highlight(source.get(name) or "", pattern) for name in HIGHLIGHT_FIELDS}
    return Hit(
        id=case_id,
        url=source.get("url") or "",
        title=source.get("title") or "",
        condition=source.get("condition") or "",
        specialty=source.get("specialty") or "",
        summary=source.get("summary") or "",
        body_systems=tuple(source.get("body_systems") or ()),
        modalities=tuple(source.get("modalities") or ()),
        age_band=source.get("age_band") or "",
        sex=source.get("sex") or "",
        certainty=source.get("certainty") or "",
        case_mode=source.get("case_mode") or "",
        tags=tuple(source.get("tags") or ()),
        has_images=bool(source.get("has_images")),
        featured=bool(source.get("featured")),
        published_at=source.get("published_at") or "",
        comment_count=int(source.get("comment_count") or 0),
        proposal_count=int(source.get("proposal_count") or 0),
        score=score,
        highlights={name: (mark,) for name, mark in marks.items() if mark},
    )
