import pytest

from search.queries import (
    FACET_FIELDS,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    SEARCH_FIELDS,
    InvalidSearch,
    SearchRequest,
    build_autocomplete_body,
    build_related_body,
    build_search_body,
    clean_query,
    page_count,
    split_facets,
)
from search.synonyms import SynonymTable
from search.understanding import QueryAnalyzer

NO_SYNONYMS = SynonymTable()


def body_for(req, synonyms=NO_SYNONYMS):
    return build_search_body(req, QueryAnalyzer(synonyms).plan(req.q, req.filters))


class QueryDict(dict):
    """Just enough of Django's QueryDict: repeated keys via getlist."""

    def getlist(self, key):
        return list(self.get(key, []))


def field_boosted(text, boost):
    return {
        "multi_match": {
            "query": text,
            "fields": list(SEARCH_FIELDS),
            "type": "phrase" if " " in text else "best_fields",
            "tie_breaker": 0.3,
            "boost": boost,
        }
    }


# -- SearchRequest.from_params ----------------------------------------------------------------


def test_defaults():
    req = SearchRequest.from_params({})
    assert req == SearchRequest(q="", filters={}, sort="relevance", page=1, page_size=20)


def test_reads_repeated_facet_values_and_ignores_unknown_keys():
    params = QueryDict(
        q=["  chest   pain "],
        modalities=["CT", "MR", "CT", ""],
        specialty=["Cardiology"],
        colour=["blue"],
        page=["2"],
        sort=["newest"],
    )
    req = SearchRequest.from_params(params)
    assert req.q == "chest pain"
    assert req.filters == {"modalities": ("CT", "MR"), "specialty": ("Cardiology",)}
    assert (req.page, req.sort) == (2, "newest")


def test_boolean_facets_get_one_spelling():
    req = SearchRequest.from_params({"has_images": ["1", "TRUE"], "featured": "0"})
    assert req.filters == {"has_images": ("true",), "featured": ("false",)}


@pytest.mark.parametrize("value", ["maybe", "319", "yes please"])
def test_a_true_false_filter_takes_only_true_or_false(value):
    with pytest.raises(InvalidSearch, match="^featured must be true or false.$"):
        SearchRequest.from_params({"featured": [value]})


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "１", "9999999999"])
def test_bad_page_is_invalid(page):
    with pytest.raises(InvalidSearch, match="page"):
        SearchRequest.from_params({"page": page})


def test_unknown_sort_is_invalid():
    with pytest.raises(InvalidSearch, match="sort"):
        SearchRequest.from_params({"sort": "random"})


def test_page_size_is_clamped():
    assert SearchRequest.from_params({"page_size": "1000"}).page_size == MAX_PAGE_SIZE


def test_syntax_characters_become_spaces():
    assert clean_query('he"art (attack): *MI* \\ / [x] {y} ~2 ^3 !a +b -c && d || e') == (
        "he art attack MI x y 2 3 a b c d e"
    )


def test_control_characters_are_dropped_and_unicode_kept():
    assert clean_query("pneumonie\x00 \u200b肺炎\tfièvre") == "pneumonie 肺炎 fièvre"


def test_control_characters_in_filter_values_become_spaces():
    req = SearchRequest.from_params({"specialty": ["\x00", "Cardi\x00ology"], "tags": "a\x1bb"})
    assert req.filters == {"specialty": ("Cardi ology",), "tags": ("a b",)}


def test_overlong_query_is_cut_at_a_word_boundary_and_flagged():
    raw = "pneumonia " * 40
    req = SearchRequest.from_params({"q": raw})
    assert len(req.q) <= MAX_QUERY_LENGTH
    assert req.q.endswith("pneumonia")
    assert req.query_truncated
    assert not SearchRequest.from_params({"q": "pneumonia"}).query_truncated


def test_overlong_single_word_is_cut_hard():
    assert clean_query("x" * 500) == "x" * MAX_QUERY_LENGTH


# -- build_search_body ------------------------------------------------------------------------


def test_empty_query_lists_newest_with_all_facets():
    body = body_for(SearchRequest(), NO_SYNONYMS)
    assert body["query"] == {"bool": {"must_not": [{"term": {"deleted": True}}]}}
    assert body["sort"] == [{"published_at": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert "highlight" not in body
    assert "post_filter" not in body
    assert set(body["aggs"]) == {f"facet_{name}" for name in FACET_FIELDS}
    assert (body["from"], body["size"], body["track_total_hits"]) == (0, 20, True)


def test_synonyms_and_known_phrases_match_as_phrases_only():
    synonyms = SynonymTable([["heart attack", "mi"]])
    body = body_for(SearchRequest(q="heart attack"), synonyms)
    assert body["query"] == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            {"bool": {"must": [{"match_phrase": {"all_text": "heart attack"}}]}},
                            {"bool": {"must": [{"match": {"all_text": {"query": "mi"}}}]}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": [field_boosted("heart attack", 2.0), field_boosted("mi", 1.0)],
            "must_not": [{"term": {"deleted": True}}],
        }
    }
    assert body["sort"][0] == "_score"


def test_own_words_are_fuzzy_the_last_unknown_one_also_a_prefix_with_a_phrase_bonus():
    body = body_for(SearchRequest(q="chest cholecyst"))
    (phrasing,) = body["query"]["bool"]["must"][0]["bool"]["should"]
    fuzzy = {"fuzziness": "AUTO:5,9", "prefix_length": 1, "max_expansions": 20}
    assert phrasing == {
        "bool": {
            "must": [
                {"match": {"all_text": {"query": "chest", **fuzzy}}},
                {
                    "bool": {
                        "should": [
                            {"match": {"all_text": {"query": "cholecyst", **fuzzy}}},
                            {"prefix": {"all_text": {"value": "cholecyst"}}},
                        ],
                        "minimum_should_match": 1,
                    }
                },
            ]
        }
    }
    assert body["query"]["bool"]["should"][-1]["multi_match"]["type"] == "phrase"
    assert body["query"]["bool"]["should"][-1]["multi_match"]["query"] == "chest cholecyst"


def test_search_fields_and_boosts():
    assert SEARCH_FIELDS[:4] == ("condition^10", "condition_synonyms^10", "title^4", "summary^3")
    for field in ("findings^1.5", "history", "discussion", "learning_points", "negated^0.05"):
        assert field in SEARCH_FIELDS


def test_highlight_marks_words_and_synonym_phrases_exactly():
    synonyms = SynonymTable([["pneumonia", "chest infection"]])
    body = body_for(SearchRequest(q="pneumonia"), synonyms)
    fields = ["title", "summary", "findings"]
    assert body["highlight"] == {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fragment_size": 150,
        "number_of_fragments": 2,
        "fields": {"title": {}, "summary": {}, "findings": {}},
        "highlight_query": {
            "bool": {
                "should": [
                    {
                        "multi_match": {
                            "query": "chest infection",
                            "type": "phrase",
                            "fields": fields,
                        }
                    },
                    {"multi_match": {"query": "pneumonia", "type": "phrase", "fields": fields}},
                ],
                "minimum_should_match": 1,
            }
        },
    }


def test_facet_words_become_filters_of_the_body():
    analyzer = QueryAnalyzer(SynonymTable([["pe", "pulmonary embolism"]]), ["Radiology"])
    req = SearchRequest(q="PE radiology child")
    body = build_search_body(req, analyzer.plan(req.q, req.filters))
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"specialty": ["Radiology"]}},
                {"terms": {"age_band": ["1-4", "5-9", "10-14"]}},
            ]
        }
    }


def test_filters_go_to_post_filter_and_facets_ignore_their_own_selection():
    req = SearchRequest(filters={"modalities": ("CT", "MR"), "has_images": ("true",)})
    body = body_for(req, NO_SYNONYMS)
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"modalities": ["CT", "MR"]}},
                {"terms": {"has_images": [True]}},
            ]
        }
    }
    assert body["aggs"]["facet_modalities"] == {
        "filter": {"bool": {"filter": [{"terms": {"has_images": [True]}}]}},
        "aggs": {"values": {"terms": {"field": "modalities", "size": 30}}},
    }
    assert body["aggs"]["facet_specialty"]["filter"] == {
        "bool": {
            "filter": [
                {"terms": {"modalities": ["CT", "MR"]}},
                {"terms": {"has_images": [True]}},
            ]
        }
    }
    assert body["aggs"]["facet_condition"]["aggs"]["values"]["terms"]["field"] == (
        "condition.keyword"
    )


def test_invalid_boolean_value_matches_nothing():
    body = body_for(SearchRequest(filters={"featured": ("maybe",)}), NO_SYNONYMS)
    assert body["post_filter"] == {"bool": {"filter": [{"match_none": {}}]}}


@pytest.mark.parametrize(
    ("sort", "first_key"),
    [("newest", "published_at"), ("discussed", "activity")],
)
def test_sort_orders(sort, first_key):
    body = body_for(SearchRequest(q="x", sort=sort), NO_SYNONYMS)
    assert body["sort"][0] == {first_key: {"order": "desc"}}


def test_pagination_and_the_result_window_cap():
    body = body_for(SearchRequest(page=3, page_size=20), NO_SYNONYMS)
    assert (body["from"], body["size"]) == (40, 20)
    body = body_for(SearchRequest(page=500, page_size=30), NO_SYNONYMS)
    assert body["from"] + body["size"] == MAX_RESULT_WINDOW
    body = body_for(SearchRequest(page=10**8, page_size=20), NO_SYNONYMS)
    assert (body["from"], body["size"]) == (MAX_RESULT_WINDOW, 0)


def test_page_count_only_counts_reachable_pages():
    assert page_count(0, 20) == 0
    assert page_count(41, 20) == 3
    assert page_count(1_000_000, 20) == MAX_RESULT_WINDOW // 20


# -- autocomplete and related -----------------------------------------------------------------


def test_autocomplete_body():
    assert build_autocomplete_body("Myocard*", limit=5) == {
        "size": 5,
        "_source": ["condition"],
        "query": {
            "bool": {
                "should": [
                    {"prefix": {"condition.lower": {"value": "myocard", "boost": 3}}},
                    {"match_phrase_prefix": {"condition": {"query": "Myocard", "boost": 2}}},
                    {"match_phrase_prefix": {"condition_synonyms": {"query": "Myocard"}}},
                ],
                "minimum_should_match": 1,
                "must_not": [{"term": {"deleted": True}}],
            }
        },
        "collapse": {"field": "condition.keyword"},
    }


def test_related_body_excludes_the_case_itself():
    body = build_related_body(42, limit=3)
    assert body["size"] == 3
    mlt = body["query"]["bool"]["must"][0]["more_like_this"]
    assert mlt["like"] == [{"_id": "42"}]
    assert mlt["fields"] == ["condition", "title", "summary", "findings", "history"]
    assert body["query"]["bool"]["must_not"] == [
        {"ids": {"values": ["42"]}},
        {"term": {"deleted": True}},
    ]


def test_split_facets_moves_aggregations_to_a_cacheable_count_only_search():
    body = body_for(SearchRequest(q="pneumonia", filters={"sex": ("female",)}), NO_SYNONYMS)
    hits, facets = split_facets(body)
    assert "aggs" not in hits
    assert hits == {key: value for key, value in body.items() if key != "aggs"}
    assert facets == {
        "size": 0,
        "query": body["query"],
        "aggs": body["aggs"],
        "track_total_hits": False,
    }
