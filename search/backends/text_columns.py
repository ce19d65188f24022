"""The columns of the database backends' full-text index, filled from a case document.

Shared by SQLite (FTS5 columns) and PostgreSQL (``tsvector`` weights), so both weigh the same
text the same way, close to the engine's field boosts (``search.queries.SEARCH_FIELDS``): the
diagnosis first, then title and summary, the findings, the rest of the clinical text, and far
below everything the differentials and the negated mentions ("no evidence of ...").
"""

from typing import Any

#: column -> relative weight
COLUMNS = {
    "condition": 10.0,
    "title": 4.0,
    "summary": 3.0,
    "findings": 1.5,
    "body": 1.0,
    "differentials": 0.3,
    "negated": 0.05,
}
BODY_FIELDS = ("history", "discussion", "learning_points", "management")


def column_texts(doc: dict[str, Any]) -> dict[str, str]:
    """Column name -> text for a document in the ``search.documents`` shape."""
    return {
        "condition": " | ".join([doc.get("condition", ""), *doc.get("condition_synonyms", [])]),
        "title": doc.get("title", ""),
        "summary": doc.get("summary", ""),
        "findings": doc.get("findings", ""),
        "body": "\n".join(doc.get(name, "") for name in BODY_FIELDS),
        "differentials": " | ".join(doc.get("differentials", [])),
        "negated": doc.get("negated", ""),
    }


#: Document keys a result needs (display, facets, highlighting); long text stays out.
SOURCE_KEYS = (
    "url",
    "title",
    "summary",
    "findings",
    "condition",
    "specialty",
    "body_systems",
    "modalities",
    "age_band",
    "sex",
    "certainty",
    "case_mode",
    "tags",
    "has_images",
    "featured",
    "peer_reviewed",
    "published_at",
    "comment_count",
    "proposal_count",
    "last_activity_at",
)


def source(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: doc.get(key) for key in SOURCE_KEYS}
