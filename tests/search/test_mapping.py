from dataclasses import dataclass

from search.mapping import index_settings_and_mappings, to_index_source
from search.queries import FACET_FIELDS, HIGHLIGHT_FIELDS, SEARCH_FIELDS, SOURCE_FIELDS

DOCUMENT_FIELDS = {
    "id", "url", "title", "summary", "history", "findings", "discussion", "learning_points",
    "management", "condition", "condition_synonyms", "differentials", "specialty",
    "body_systems", "modalities", "age_band", "sex", "certainty", "case_mode", "tags",
    "has_images", "featured", "peer_reviewed", "published_at", "comment_count",
    "proposal_count", "version", "confirmed_diagnosis", "last_activity_at",
    "negated",
}  # fmt: skip


@dataclass(frozen=True)
class Caps:
    analysis_common: bool


def properties(analysis_common=False):
    return index_settings_and_mappings(Caps(analysis_common))["mappings"]["properties"]


def test_strict_mapping_covers_exactly_the_document_and_derived_fields():
    body = index_settings_and_mappings(Caps(False))
    assert body["mappings"]["dynamic"] == "strict"
    assert set(body["mappings"]["properties"]) == DOCUMENT_FIELDS | {
        "activity",
        "deleted",
        "all_text",
    }


def test_single_shard_with_a_replica_once_there_is_a_second_node():
    assert index_settings_and_mappings(Caps(False))["settings"]["index"] == {
        "number_of_shards": 1,
        "auto_expand_replicas": "0-1",
    }


def test_field_types():
    props = properties()
    for name in ("title", "summary", "history", "findings", "discussion", "learning_points"):
        assert props[name]["type"] == "text"
        assert props[name]["analyzer"] == "casebook_text"
    for name in ("specialty", "body_systems", "modalities", "age_band", "sex", "tags"):
        assert props[name] == {"type": "keyword", "eager_global_ordinals": True}
    assert props["has_images"] == {"type": "boolean"}
    assert props["published_at"] == {"type": "date"}
    assert props["comment_count"] == {"type": "integer"}
    assert props["condition"]["type"] == "text"
    assert props["condition"]["fields"]["keyword"]["type"] == "keyword"
    assert props["condition"]["fields"]["lower"]["normalizer"] == "lowercase"


def test_every_searched_text_field_is_copied_to_all_text():
    props = properties()
    for spec in SEARCH_FIELDS:
        assert props[spec.split("^")[0]]["copy_to"] == "all_text"
    assert "index_options" not in props["all_text"]  # positions: synonyms match as phrases


def test_highlighted_fields_store_offsets():
    props = properties()
    for name in HIGHLIGHT_FIELDS:
        assert props[name]["index_options"] == "offsets"


def test_every_queried_field_is_mapped():
    props = properties()
    for spec in SEARCH_FIELDS:
        assert spec.split("^")[0] in props
    for name in SOURCE_FIELDS:
        assert name in props
    for field in FACET_FIELDS.values():
        root, _, sub = field.partition(".")
        assert root in props
        assert not sub or sub in props[root]["fields"]


def test_builtin_analysis_without_analysis_common():
    analysis = index_settings_and_mappings(Caps(False))["settings"]["analysis"]
    assert analysis == {
        "analyzer": {
            "casebook_text": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}
        }
    }


def test_stemming_and_folding_with_analysis_common():
    analysis = index_settings_and_mappings(Caps(True))["settings"]["analysis"]
    chain = analysis["analyzer"]["casebook_text"]["filter"]
    assert chain[:2] == ["lowercase", "asciifolding"]
    assert analysis["filter"]["casebook_stemmer"] == {
        "type": "stemmer",
        "language": "light_english",
    }
    assert "stop" not in chain  # "hepatitis a" must keep its "a"


def test_index_source_adds_activity():
    source = to_index_source({"id": 1, "comment_count": 3, "proposal_count": 2})
    assert source == {"id": 1, "comment_count": 3, "proposal_count": 2, "activity": 5}
