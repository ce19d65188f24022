"""The full-text index on SQLite: an FTS5 table (SQLite's own engine, in Python's stdlib).

One row per live case, ``rowid`` = case id, one column per ``text_columns.COLUMNS`` entry.
The porter stemmer on the unicode61 tokenizer ("fractures" finds "fracture"; accents folded):
tokens are whole words, so "mi" never matches inside "family" and highlights never split a
word. A query is compiled from a ``QueryPlan``: every word and phrase is a quoted FTS5
string, so nothing a user types is ever FTS5 syntax (``"``, ``*``, ``NEAR``, ``AND``,
parentheses and ``-`` are plain text or gone). Ranking: bm25 with the column weights.
"""

from collections.abc import Iterable

from search.backends.text_columns import COLUMNS
from search.understanding import QueryPlan, Term

TABLE = "casebook_search_fts"
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    + ", ".join(COLUMNS)
    + ", tokenize = 'porter unicode61 remove_diacritics 2')",
)
DROP_SQL = (f"DROP TABLE IF EXISTS {TABLE}",)
_BM25 = f"bm25({TABLE}, {', '.join(str(weight) for weight in COLUMNS.values())})"


def exists(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
    return cursor.fetchone() is not None


def create(cursor) -> None:
    for statement in CREATE_SQL:
        cursor.execute(statement)


def replace(cursor, rows: list[tuple[int, dict[str, str]]]) -> None:
    """Write the texts of cases (id, column -> text), replacing what each had."""
    remove(cursor, [case_id for case_id, _texts in rows])
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
    cursor.executemany(
        f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
        [(case_id, *(texts[name] for name in COLUMNS)) for case_id, texts in rows],
    )


def remove(cursor, ids: Iterable[int]) -> None:
    cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(i,) for i in ids])  # noqa: S608


def clear(cursor) -> None:
    cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608


def match(cursor, plan: QueryPlan) -> list[int]:
    """Ids of every case matching ``plan`` (no ranking: bm25 costs ten times the match)."""
    cursor.execute(
        f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
        [match_expression(plan)],
    )
    return [row[0] for row in cursor.fetchall()]


def scores(
    cursor, plan: QueryPlan, ids: list[int], columns: tuple[str, ...] = ()
) -> list[tuple[int, float]]:
    """(id, score) for those of ``ids`` that match ``plan``; a higher score ranks higher.
    ``columns``: only matches within these columns (FTS5 column filter). The ids are not
    passed to SQLite: with ``rowid IN (...)`` FTS5 evaluates the query once per row."""
    expression = match_expression(plan)
    if columns:
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    cursor.execute(
        f"SELECT rowid, -{_BM25} FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
        [expression],
    )
    wanted = set(ids)
    return [row for row in cursor.fetchall() if row[0] in wanted]


def count(cursor, plan: QueryPlan) -> int:
    cursor.execute(
        f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
        [match_expression(plan)],
    )
    return cursor.fetchone()[0]


def match_expression(plan: QueryPlan) -> str:
    """The FTS5 query: phrasings OR-ed, the terms of one AND-ed, each term a quoted string."""
    phrasings = []
    for phrasing in plan.phrasings:
        terms = [_term(term, term in plan.prefix_terms) for term in phrasing.terms]
        phrasings.append("(" + " AND ".join(terms) + ")")
    return " OR ".join(phrasings)


def _term(term: Term, prefix: bool) -> str:
    quoted = '"' + " ".join(term).replace('"', '""') + '"'
    return f"({quoted} OR {quoted}*)" if prefix else quoted
