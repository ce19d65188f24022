"""The same site-level search behaviour on every backend: the database fallback always, and
real Elasticsearch/OpenSearch nodes when their URLs are set (see ``site_fixtures``)."""

import pytest

from search.queries import SearchRequest
from tests.search.site_fixtures import backend, corpus  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def search(backend, **params):  # noqa: F811
    return backend.search(SearchRequest.from_params(params))


def ids(results):
    return {hit.id for hit in results.hits}


def facet(results, name):
    (found,) = [f for f in results.facets if f.name == name]
    return {value.value: (value.count, value.selected) for value in found.values}


def test_synonym_of_the_query_finds_the_case(backend, corpus):  # noqa: F811
    results = search(backend, q="heart attack")
    assert ids(results) == {corpus["stemi"].pk, corpus["nstemi"].pk}


def test_condition_synonyms_from_the_taxonomy_expand_queries(backend, corpus):  # noqa: F811
    results = search(backend, q="lung clot")
    assert ids(results) == {corpus["saddle"].pk}


def test_short_abbreviations_match_whole_words_only(backend, corpus):  # noqa: F811
    results = search(backend, q="mi")  # not the "mi" inside "family" or "admitted"
    assert ids(results) == {corpus["stemi"].pk, corpus["nstemi"].pk}


def test_drafts_are_never_found(backend, corpus):  # noqa: F811
    results = search(backend, q="infarct")
    assert corpus["draft"].pk not in ids(results)
    assert corpus["nstemi"].pk in ids(results)


def test_empty_query_lists_every_published_case_newest_first(backend, corpus):  # noqa: F811
    results = search(backend, q="")
    published = [corpus[key] for key in ("stemi", "nstemi", "saddle", "lobar", "sjogren")]
    assert results.total == 5
    newest_first = sorted(published, key=lambda c: (c.first_published_at, c.pk), reverse=True)
    assert [hit.id for hit in results.hits] == [c.pk for c in newest_first]


def test_filters_and_disjunctive_facet_counts(backend, corpus):  # noqa: F811
    results = search(backend, q="", specialty="Cardiology", sex="female")
    assert ids(results) == {corpus["nstemi"].pk}
    # Specialty counts ignore the specialty selection but respect sex=female.
    assert facet(results, "specialty") == {
        "Cardiology": (1, True),
        "Respiratory medicine": (1, False),
        "Rheumatology": (1, False),
    }
    # Sex counts ignore the sex selection but respect specialty=Cardiology.
    assert facet(results, "sex") == {"male": (1, False), "female": (1, True)}
    assert facet(results, "body_systems") == {"Cardiovascular": (1, False)}


def test_values_within_a_facet_are_alternatives(backend, corpus):  # noqa: F811
    results = search(backend, age_band=["50-54", "80-84"])
    assert ids(results) == {corpus["stemi"].pk, corpus["lobar"].pk}
    results = search(backend, body_systems=["Respiratory", "Cardiovascular"])
    assert results.total == 4  # the saddle embolus has both and is counted once


def test_media_facets_count_only_media_peers_see(backend, corpus):  # noqa: F811
    results = search(backend)
    assert facet(results, "modalities") == {"CT": (2, False), "Photo": (1, False)}
    assert facet(results, "has_images") == {"true": (3, False), "false": (2, False)}
    assert ids(search(backend, modalities="Photo")) == {corpus["lobar"].pk}
    assert ids(search(backend, modalities="MR")) == set()
    no_images = search(backend, has_images="false")
    assert ids(no_images) == {corpus["nstemi"].pk, corpus["sjogren"].pk}
    assert facet(no_images, "has_images") == {"true": (3, False), "false": (2, True)}
    assert facet(no_images, "modalities") == {}


def test_unknown_facet_value_matches_nothing_and_shows_as_selected(backend, corpus):  # noqa: F811
    results = search(backend, specialty="Astrology")
    assert results.total == 0
    assert facet(results, "specialty")["Astrology"] == (0, True)
    assert facet(results, "specialty")["Cardiology"] == (2, False)


def test_page_past_the_end_is_empty_with_the_right_total(backend, corpus):  # noqa: F811
    results = search(backend, q="", page="9", page_size="2")
    assert results.hits == ()
    assert results.total == 5
    assert results.page_count == 3


def test_paging_walks_every_result_once(backend, corpus):  # noqa: F811
    seen = []
    for page in ("1", "2", "3"):
        seen += [hit.id for hit in search(backend, page=page, page_size="2").hits]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    "q", ['"chest pain', "chest (pain", "pain:*", "chest\\pain", "[jaw]", "/jaw/", "*"]
)
def test_query_syntax_characters_are_plain_text(backend, corpus, q):  # noqa: F811
    results = search(backend, q=q)
    assert corpus["stemi"].pk in ids(results)


def test_unicode_and_accents(backend, corpus):  # noqa: F811
    results = search(backend, q="Zürich")
    assert ids(results) == {corpus["sjogren"].pk}


def test_highlights_are_escaped_with_marks_only(backend, corpus):  # noqa: F811
    results = search(backend, q="hypoxic")
    (hit,) = results.hits
    fragments = [f for values in hit.highlights.values() for f in values]
    assert any("<mark>hypoxic</mark>" in f.lower() for f in fragments)
    joined = " ".join(fragments)
    assert "<script>" not in joined
    assert "&lt;script&gt;" in joined or "script" not in joined


def test_autocomplete_offers_condition_names(backend, corpus):  # noqa: F811
    assert backend.autocomplete("myo") == ["Myocardial infarction"]
    assert "Pulmonary embolism" in backend.autocomplete("pulm")
    assert backend.autocomplete("") == []


def test_related_cases_share_the_diagnosis_and_never_include_the_case(backend, corpus):  # noqa: F811
    related = backend.related(corpus["stemi"].pk)
    related_ids = [hit.id for hit in related]
    assert corpus["stemi"].pk not in related_ids
    assert corpus["draft"].pk not in related_ids
    assert corpus["nstemi"].pk in related_ids  # same diagnosis
