"""Facet values of every indexed case as numpy columns: filters, disjunctive counts, sorts.

The database backends keep one ``FacetTable`` per process, like an engine's doc values: a
facet count over 100,000 cases is a ``bincount``, not a GROUP BY per facet. The table is
rebuilt from ``IndexedCase`` rows when the index's generation moves (``search.backends.
database``). Values within one facet are OR-ed, facets AND-ed, and each facet's counts ignore
its own selection, as on the engine (``search.queries``). Unknown values match nothing.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np

from search.queries import BOOLEAN_FACETS, FACET_FIELDS, FACET_SIZE
from search.results import Facet, FacetValue

MULTI_VALUED = ("body_systems", "modalities", "tags")
SINGLE_VALUED = tuple(name for name in FACET_FIELDS if name not in MULTI_VALUED)
#: The compact row a process keeps per case: facet values, then sort keys.
ROW_KEYS = (*FACET_FIELDS, "published", "activity", "last_activity")


def compact_row(source: Mapping[str, Any]) -> tuple:
    """What the table needs of an ``IndexedCase.source``."""
    values: list[Any] = []
    for name in FACET_FIELDS:
        value = source.get(name)
        if name in MULTI_VALUED:
            values.append(tuple(value or ()))
        elif name in BOOLEAN_FACETS:
            values.append("true" if value else "false")
        else:
            values.append(value or "")
    values.append(_timestamp(source.get("published_at")))
    values.append(int(source.get("comment_count") or 0) + int(source.get("proposal_count") or 0))
    values.append(_timestamp(source.get("last_activity_at")))
    return tuple(values)


def _timestamp(value: str | None) -> float:
    """Seconds since the epoch of an ISO date, 0 for none (sorts after every real date)."""
    return datetime.fromisoformat(value).timestamp() if value else 0.0


class FacetTable:
    """Immutable columns over the live cases ``rows`` (case id -> ``compact_row``)."""

    def __init__(self, rows: Mapping[int, tuple]):
        self.ids = np.array(sorted(rows), dtype=np.int64)
        ordered = [rows[int(case_id)] for case_id in self.ids]
        self.published = np.array([row[-3] for row in ordered], dtype=np.float64)
        self.activity = np.array([row[-2] for row in ordered], dtype=np.int64)
        self.last_activity = np.array([row[-1] for row in ordered], dtype=np.float64)
        self.labels: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        #: multi-valued facets: (row position, value code) pairs
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for index, name in enumerate(FACET_FIELDS):
            vocabulary: dict[str, int] = {}
            if name in MULTI_VALUED:
                positions, codes = [], []
                for position, row in enumerate(ordered):
                    for value in dict.fromkeys(row[index]):
                        positions.append(position)
                        codes.append(vocabulary.setdefault(value, len(vocabulary)))
                self.pairs[name] = (
                    np.array(positions, dtype=np.int64),
                    np.array(codes, dtype=np.int64),
                )
            else:
                codes = [
                    vocabulary.setdefault(row[index], len(vocabulary)) if row[index] else -1
                    for row in ordered
                ]
                self.codes[name] = np.array(codes, dtype=np.int64)
            self.labels[name] = list(vocabulary)

    def __len__(self) -> int:
        return len(self.ids)

    def positions_of(self, ids: np.ndarray) -> np.ndarray:
        """Row position of each id, -1 where the table does not have it."""
        positions = np.searchsorted(self.ids, ids)
        inside = positions < len(self.ids)
        found = np.full(len(ids), -1, dtype=np.int64)
        hit = inside.copy()
        hit[inside] = self.ids[positions[inside]] == ids[inside]
        found[hit] = positions[hit]
        return found

    def filter_mask(self, name: str, values: tuple[str, ...]) -> np.ndarray:
        """Rows having any of ``values`` for facet ``name``."""
        vocabulary = {label: code for code, label in enumerate(self.labels[name])}
        wanted = np.zeros(len(vocabulary) + 1, dtype=bool)  # the last slot: no value (-1)
        wanted[[vocabulary[v] for v in values if v in vocabulary]] = True
        if name in MULTI_VALUED:
            positions, value_codes = self.pairs[name]
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[positions[wanted[value_codes]]] = True
            return mask
        return wanted[self.codes[name]]

    def filters_mask(self, filters: Mapping[str, tuple[str, ...]], skip: str = "") -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        for name, values in filters.items():
            if name in FACET_FIELDS and name != skip:
                mask &= self.filter_mask(name, values)
        return mask

    def facets(self, matched: np.ndarray, filters: Mapping[str, tuple[str, ...]]) -> tuple:
        """Every facet's values with counts over ``matched`` rows filtered by the *other*
        facets; most frequent first, then by value; selected values nobody has count 0."""
        masks = {
            name: self.filter_mask(name, values)
            for name, values in filters.items()
            if name in FACET_FIELDS
        }
        found = []
        for name in FACET_FIELDS:
            rows = matched.copy()
            for other, mask in masks.items():
                if other != name:
                    rows &= mask
            labels = self.labels[name]
            if name in MULTI_VALUED:
                positions, codes = self.pairs[name]
                counts = np.bincount(codes[rows[positions]], minlength=len(labels))
            else:
                codes = self.codes[name][rows]
                counts = np.bincount(codes[codes >= 0], minlength=len(labels))
            ranked = sorted(
                ((labels[code], int(n)) for code, n in enumerate(counts) if n),
                key=lambda item: (-item[1], item[0]),
            )[:FACET_SIZE]
            selected = set(filters.get(name, ()))
            values = [FacetValue(value, n, value in selected) for value, n in ranked]
            shown = {value for value, _n in ranked}
            values += [FacetValue(v, 0, True) for v in filters.get(name, ()) if v not in shown]
            found.append(Facet(name, tuple(values)))
        return tuple(found)

    def order(self, rows: np.ndarray, sort: str, scores: np.ndarray | None) -> np.ndarray:
        """Row positions of the ``rows`` mask in ``sort`` order (ties: newest, then id)."""
        positions = np.flatnonzero(rows)
        keys = [-self.ids[positions], -self.published[positions]]
        if sort == "discussed":  # as the engine: activity, then the latest activity
            keys += [-self.last_activity[positions], -self.activity[positions]]
        elif sort == "relevance" and scores is not None:
            keys.append(-scores[positions])
        return positions[np.lexsort(keys)]

    def related(self, case_id: int, facet_values: Mapping[str, Any], limit: int) -> list[int]:
        """Ids of cases sharing the diagnosis (4), the specialty (1), a body system (1) with
        ``case_id``; best first, then newest."""
        score = np.zeros(len(self.ids), dtype=np.int64)
        for name, weight in (("condition", 4), ("specialty", 1)):
            value = facet_values.get(name)
            if value:
                score += weight * self.filter_mask(name, (value,))
        systems = tuple(facet_values.get("body_systems") or ())
        if systems:
            score += self.filter_mask("body_systems", systems)
        score[self.ids == case_id] = 0
        rows = score > 0
        positions = np.flatnonzero(rows)
        order = np.lexsort((-self.ids[positions], -self.published[positions], -score[positions]))
        return [int(self.ids[p]) for p in positions[order][:limit]]
