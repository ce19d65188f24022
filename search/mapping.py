"""Index settings and the explicit mapping for case documents.

The analysis chain depends on what the node offers (``Capabilities`` from ``search.client``):
Elasticsearch's reduced distribution has no ``analysis-common`` module, so only the standard
tokenizer and the ``lowercase`` filter are certain to exist. With ``analysis-common`` we add
accent folding and a light English stemmer. Stop words are kept on purpose: "hepatitis a" and
"vitamin a deficiency" must not collapse to "hepatitis" and "vitamin deficiency".

Synonyms are not part of the index: ``search.synonyms`` expands queries in the application,
which works on every engine and on the database fallback, and needs no reindex to change.
"""

from typing import Any, Protocol

#: Text fields searched by the main query; highlighted ones get offsets for fast highlighting.
HIGHLIGHTED_TEXT_FIELDS = ("title", "summary", "findings")
OTHER_TEXT_FIELDS = (
    "history",
    "discussion",
    "learning_points",
    "management",
    "condition_synonyms",
    "differentials",
    "negated",
)
KEYWORD_FIELDS = (
    "specialty",
    "body_systems",
    "modalities",
    "age_band",
    "sex",
    "certainty",
    "case_mode",
    "tags",
    "confirmed_diagnosis",
)
BOOLEAN_FIELDS = ("has_images", "featured", "peer_reviewed")
INTEGER_FIELDS = ("comment_count", "proposal_count", "activity")
TEXT_ANALYZER = "casebook_text"
#: Every searched text field is copied here, so "does each query word occur somewhere?" (with
#: typo tolerance) is one fuzzy query on one field rather than one per field.
ALL_TEXT_FIELD = "all_text"


class NodeCapabilities(Protocol):
    @property
    def analysis_common(self) -> bool: ...


def index_settings_and_mappings(capabilities: NodeCapabilities) -> dict[str, Any]:
    """The body for creating a case index on a node with the given capabilities.

    One shard (an index of clinical cases stays small: 100k cases is a few hundred MB) and
    ``auto_expand_replicas: 0-1``: no replica on a single node (the index is green), one on a
    cluster of two or more data nodes, so that losing a node loses no data and searches are
    answered by the copy that remains. The mapping is ``dynamic: strict`` so a field the
    mapping does not know (a leaked identifier in a new document key, say) is rejected, not
    silently indexed.
    """
    return {
        "settings": {
            "index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            "analysis": _analysis(capabilities),
        },
        "mappings": {"dynamic": "strict", "properties": _properties()},
    }


def _analysis(capabilities: NodeCapabilities) -> dict[str, Any]:
    if capabilities.analysis_common:
        filters = ["lowercase", "asciifolding", "casebook_possessive", "casebook_stemmer"]
        return {
            "filter": {
                "casebook_possessive": {"type": "stemmer", "language": "possessive_english"},
                "casebook_stemmer": {"type": "stemmer", "language": "light_english"},
            },
            "analyzer": {
                TEXT_ANALYZER: {"type": "custom", "tokenizer": "standard", "filter": filters}
            },
        }
    return {
        "analyzer": {
            TEXT_ANALYZER: {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}
        }
    }


def _text(*, offsets: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"type": "text", "analyzer": TEXT_ANALYZER, "copy_to": ALL_TEXT_FIELD}
    if offsets:
        field["index_options"] = "offsets"
    return field


def _properties() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "integer"},
        "url": {"type": "keyword", "index": False, "doc_values": False},
        # matching only, never returned: positions (synonyms match as phrases), no norms
        ALL_TEXT_FIELD: {"type": "text", "analyzer": TEXT_ANALYZER, "norms": False},
        "condition": {
            **_text(),
            "fields": {
                # exact value for the facet and for collapsing autocomplete suggestions
                "keyword": {"type": "keyword", "ignore_above": 256, "eager_global_ordinals": True},
                # case-insensitive "starts with" boost for autocomplete
                "lower": {"type": "keyword", "normalizer": "lowercase", "ignore_above": 256},
            },
        },
        "published_at": {"type": "date"},
        "last_activity_at": {"type": "date"},
        "version": {"type": "long", "index": False},
        # tombstones of removed cases (see search.indexer.delete_documents)
        "deleted": {"type": "boolean"},
    }
    properties.update({name: _text(offsets=True) for name in HIGHLIGHTED_TEXT_FIELDS})
    properties.update({name: _text() for name in OTHER_TEXT_FIELDS})
    # Facets: build global ordinals at refresh time rather than in the first search after it.
    properties.update(
        {name: {"type": "keyword", "eager_global_ordinals": True} for name in KEYWORD_FIELDS}
    )
    properties.update({name: {"type": "boolean"} for name in BOOLEAN_FIELDS})
    properties.update({name: {"type": "integer"} for name in INTEGER_FIELDS})
    return properties


def to_index_source(document: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a case document: adds ``activity`` (comments + proposals).

    ``activity`` backs the "most discussed" sort without a script (scripting is a module that
    reduced distributions lack).
    """
    return {
        **document,
        "activity": int(document.get("comment_count", 0)) + int(document.get("proposal_count", 0)),
    }
