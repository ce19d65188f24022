"""The full-text index on PostgreSQL: a weighted ``tsvector`` column with a GIN index.

Weights follow ``text_columns.COLUMNS``: A the diagnosis, B title and summary, C findings and
the rest of the clinical text, D differentials and negated mentions. The ``english``
configuration stems and folds case. A query is compiled from a ``QueryPlan`` into tsquery
*functions* with bound parameters (``plainto_tsquery`` for a word, ``phraseto_tsquery`` for a
phrase, a quoted ``:*`` lexeme for a word start): what a user types is never parsed as
tsquery syntax (``&``, ``|``, ``!``, ``<->``, ``:*``, quotes are plain text or gone).
Ranking: ``ts_rank`` with the weights below.
"""

import unicodedata
from collections.abc import Iterable

from search.understanding import QueryPlan, Term

TABLE = "casebook_search_indexedcase"
CREATE_SQL = (
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS vector tsvector",
    f"CREATE INDEX IF NOT EXISTS casebook_search_vector ON {TABLE} USING gin (vector)",
)
DROP_SQL = (
    "DROP INDEX IF EXISTS casebook_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
)
CONFIG = "english"
#: {D, C, B, A}, as ts_rank takes them
RANK_WEIGHTS = "{0.02, 0.25, 0.5, 1.0}"
_VECTOR = (
    f"setweight(to_tsvector('{CONFIG}', %s), 'A')"
    f" || setweight(to_tsvector('{CONFIG}', %s), 'B')"
    f" || setweight(to_tsvector('{CONFIG}', %s), 'C')"
    f" || setweight(to_tsvector('{CONFIG}', %s), 'D')"
)


def exists(cursor) -> bool:
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        [TABLE, "vector"],
    )
    return cursor.fetchone() is not None


def create(cursor) -> None:
    for statement in CREATE_SQL:
        cursor.execute(statement)


def replace(cursor, rows: list[tuple[int, dict[str, str]]]) -> None:
    """Write the texts of cases (id, column -> text); their rows exist already. Accents are
    folded here (queries are folded by ``normalise_words``): "Zürich" is found as "zurich"
    without the ``unaccent`` extension."""
    cursor.executemany(
        f"UPDATE {TABLE} SET vector = {_VECTOR} WHERE page_id = %s",  # noqa: S608
        [
            (
                _folded(texts["condition"]),
                _folded(f"{texts['title']}\n{texts['summary']}"),
                _folded(f"{texts['findings']}\n{texts['body']}"),
                _folded(f"{texts['differentials']}\n{texts['negated']}"),
                case_id,
            )
            for case_id, texts in rows
        ],
    )


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def remove(cursor, ids: Iterable[int]) -> None:
    cursor.executemany(
        f"UPDATE {TABLE} SET vector = NULL WHERE page_id = %s",  # noqa: S608
        [(i,) for i in ids],
    )


def clear(cursor) -> None:
    """Nothing: the vectors live on the rows, which the caller deletes."""


def match(cursor, plan: QueryPlan) -> list[int]:
    """Ids of every live case matching ``plan`` (the GIN index; no ranking)."""
    query, params = tsquery(plan)
    cursor.execute(
        f"SELECT page_id FROM {TABLE}, ({query}) AS plan(q) "  # noqa: S608
        "WHERE vector @@ q AND NOT deleted",
        params,
    )
    return [row[0] for row in cursor.fetchall()]


def scores(
    cursor, plan: QueryPlan, ids: list[int], columns: tuple[str, ...] = ()
) -> list[tuple[int, float]]:
    """(id, score) for those of ``ids`` that match ``plan``; a higher score ranks higher.
    ``columns`` is for SQLite; here the ids already select the rows (primary key)."""
    query, params = tsquery(plan)
    cursor.execute(
        f"SELECT page_id, ts_rank(%s, vector, q) FROM {TABLE}, ({query}) AS plan(q) "  # noqa: S608
        "WHERE page_id = ANY(%s) AND vector @@ q",
        [RANK_WEIGHTS, *params, ids],
    )
    return cursor.fetchall()


def count(cursor, plan: QueryPlan) -> int:
    query, params = tsquery(plan)
    cursor.execute(
        f"SELECT count(*) FROM {TABLE}, ({query}) AS plan(q) "  # noqa: S608
        "WHERE vector @@ q AND NOT deleted",
        params,
    )
    return cursor.fetchone()[0]


def tsquery(plan: QueryPlan) -> tuple[str, list[str]]:
    """``SELECT <tsquery>`` for the plan, and its parameters."""
    parts, params = [], []
    for phrasing in plan.phrasings:
        terms = []
        for term in phrasing.terms:
            sql, values = _term(term, term in plan.prefix_terms)
            terms.append(sql)
            params += values
        parts.append("(" + " && ".join(terms) + ")")
    return "SELECT " + " || ".join(parts), params


def _term(term: Term, prefix: bool) -> tuple[str, list[str]]:
    text = " ".join(term)
    if len(term) > 1:
        return f"phraseto_tsquery('{CONFIG}', %s)", [text]
    if prefix:
        lexeme = "'" + text.replace("'", "''") + "':*"
        return f"(plainto_tsquery('{CONFIG}', %s) || to_tsquery('simple', %s))", [text, lexeme]
    return f"plainto_tsquery('{CONFIG}', %s)", [text]
