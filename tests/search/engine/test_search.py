"""Searching a real node: synonyms, typos, facets, filters, highlights, sorting, paging."""

import secrets
from collections import Counter

import pytest

from search.backends.engine import EngineBackend
from search.queries import FACET_FIELDS, SearchRequest

from .corpus import CASES

pytestmark = pytest.mark.elasticsearch


@pytest.fixture(scope="module")
def backend(engine_client):
    prefix = f"test_{secrets.token_hex(4)}_"
    backend = EngineBackend(engine_client, prefix=prefix)
    backend.rebuild(CASES)
    yield backend
    for name in engine_client.list_indexes(f"{prefix}*"):
        engine_client.delete_index(name)


def search(backend, **params):
    return backend.search(SearchRequest.from_params(params))


def ids(results):
    return [hit.id for hit in results.hits]


def conditions(results):
    return {hit.condition for hit in results.hits}


@pytest.mark.parametrize("q", ["heart attack", "MI", "myocardial infarction", "Heart Attack"])
def test_synonyms_and_abbreviations_find_the_condition(backend, q):
    results = search(backend, q=q)
    assert {1, 6} <= set(ids(results))
    assert results.hits[0].condition == "Myocardial infarction"


def test_lay_term_for_a_condition_named_otherwise(backend):
    assert 3 in ids(search(backend, q="PE"))
    assert ids(search(backend, q="cva"))[0] == 4


def test_typos_are_forgiven(backend):
    results = search(backend, q="pnuemonia")
    assert {2, 9} <= set(ids(results))
    assert conditions(results) >= {"Pneumonia"}


def test_every_query_word_must_match_somewhere(backend):
    assert ids(search(backend, q="psoriasis elbows")) == [7]
    assert search(backend, q="psoriasis appendix").total == 0


def test_phrase_match_ranks_first(backend):
    assert ids(search(backend, q="snuffbox tenderness"))[0] == 10


def test_facet_counts_without_filters_match_the_corpus(backend):
    results = search(backend)
    assert results.total == len(CASES)
    facets = {facet.name: facet for facet in results.facets}
    assert set(facets) == set(FACET_FIELDS)
    for name in FACET_FIELDS:
        expected = Counter()
        for doc in CASES:
            values = doc[name] if isinstance(doc[name], list) else [doc[name]]
            expected.update(str(v).lower() if isinstance(v, bool) else v for v in values)
        got = {value.value: value.count for value in facets[name].values}
        assert got == dict(expected), name


def test_filters_and_disjunctive_facet_counts(backend):
    results = search(backend, modalities=["CT"], specialty=["Cardiology"])
    expected = [d for d in CASES if "CT" in d["modalities"] and d["specialty"] == "Cardiology"]
    assert results.total == len(expected)
    assert set(ids(results)) == {d["id"] for d in expected}
    facets = {facet.name: facet for facet in results.facets}
    # modality counts ignore the modality filter but respect the specialty filter
    cardiology = [d for d in CASES if d["specialty"] == "Cardiology"]
    modality_counts = Counter(m for d in cardiology for m in d["modalities"])
    assert {v.value: v.count for v in facets["modalities"].values} == dict(modality_counts)
    assert {v.value for v in facets["modalities"].values if v.selected} == {"CT"}


def test_values_within_a_facet_are_ored(backend):
    results = search(backend, modalities=["US", "Photo"])
    assert set(ids(results)) == {7, 8}


@pytest.mark.parametrize(
    ("facet", "value", "expected_ids"),
    [
        ("has_images", "true", {d["id"] for d in CASES if d["has_images"]}),
        ("featured", "1", {7, 10}),
        ("sex", "female", {d["id"] for d in CASES if d["sex"] == "female"}),
        ("age_band", "20-29", {7, 10, 11}),
        ("certainty", "certain", {1, 3}),
        ("case_mode", "teaching", {1, 7}),
        ("tags", "aspiration", {9}),
        ("body_systems", "Cardiovascular", {1, 3, 5, 6}),
        ("condition", "Pneumonia", {2, 9}),
    ],
)
def test_each_filter(backend, facet, value, expected_ids):
    results = search(backend, **{facet: [value]})
    assert set(ids(results)) == expected_ids
    assert results.total == len(expected_ids)


def test_unknown_facet_values_match_nothing(backend):
    assert search(backend, specialty=["Astrology"]).total == 0
    assert search(backend, modalities=["Telepathy"]).total == 0


def test_highlights_are_escaped_and_marked(backend):
    results = search(backend, q="pneumonia")
    hit = next(hit for hit in results.hits if hit.id == 9)
    summary = hit.highlights["summary"][0]
    assert "<mark>pneumonia</mark>" in summary
    assert "&lt;script&gt;" in summary
    assert "<script>" not in summary
    stroke = search(backend, q="aspiration stroke")
    (title,) = next(h for h in stroke.hits if h.id == 9).highlights["title"]
    assert (
        title
        == "<mark>Aspiration</mark> after a &lt;b&gt;<mark>stroke</mark>&lt;/b&gt; &amp; dysphagia"
    )


def test_sort_newest(backend):
    expected = [d["id"] for d in sorted(CASES, key=lambda d: d["published_at"], reverse=True)]
    assert ids(search(backend, sort="newest", page_size="50")) == expected


def test_sort_most_discussed(backend):
    def activity(doc):
        return (doc["comment_count"] + doc["proposal_count"], doc["published_at"])

    expected = [d["id"] for d in sorted(CASES, key=activity, reverse=True)]
    assert ids(search(backend, sort="discussed", page_size="50")) == expected


def test_relevance_without_a_query_is_newest_first(backend):
    assert ids(search(backend))[:3] == [12, 11, 10]


def test_pages_and_past_the_end(backend):
    first = search(backend, page_size="5")
    second = search(backend, page_size="5", page="2")
    third = search(backend, page_size="5", page="3")
    seen = ids(first) + ids(second) + ids(third)
    assert sorted(seen) == sorted(d["id"] for d in CASES)
    assert (first.page_count, first.has_next, third.has_next) == (3, True, False)
    beyond = search(backend, page_size="5", page="40")
    assert beyond.hits == () and beyond.total == len(CASES)
    far_beyond = search(backend, page="999999999")
    assert far_beyond.hits == () and far_beyond.total == len(CASES)


@pytest.mark.parametrize(
    "q",
    [
        'he"art (attack: *MI*) OR title:x AND NOT [1 TO 5] {a} ~2 ^3 \\ / && || !',
        "pneumonia " * 100,
        "肺炎 пневмония التهاب رئوي 🫁",
        "Sjögren",
        "\x00\x1f\u202e",
        "a" * 5000,
    ],
)
def test_hostile_and_unusual_queries_do_not_fail(backend, q):
    results = search(backend, q=q)
    assert results.total >= 0


def test_accented_query_finds_accented_text(backend):
    assert ids(search(backend, q="sjögren")) == [12]
    assert ids(search(backend, q="sjogren")) == [12]  # one edit away: fuzziness covers it


def test_autocomplete(backend):
    assert backend.autocomplete("myoc") == ["Myocardial infarction"]
    assert backend.autocomplete("Pneu") == ["Pneumonia"]
    assert "Myocardial infarction" in backend.autocomplete("infarc")
    assert backend.autocomplete("") == []
    assert backend.autocomplete("zzzz") == []


def test_autocomplete_suggests_each_condition_once(backend):
    assert backend.autocomplete("p", limit=10).count("Pneumonia") == 1


def test_related_cases(backend):
    related = backend.related(1)
    assert related
    assert 1 not in [hit.id for hit in related]
    assert related[0].id == 6  # the other myocardial infarction
    assert backend.related(999_999) == []


def test_a_corrected_query_costs_one_round_trip(backend, monkeypatch):
    """Hits, facet counts and the count of the user's own (misspelt) words travel in one
    multi-search; a typo no longer pays a second round trip for "did you mean"."""
    calls = []
    real = backend.client.multi_search

    def spy(index, bodies):
        calls.append(len(bodies))
        return real(index, bodies)

    monkeypatch.setattr(backend.client, "multi_search", spy)
    plan = backend.analyzer.plan("pnuemonia", {})
    assert plan.correction  # the vocabulary corrects it, so a count of the own words is needed

    results = search(backend, q="pnuemonia")

    assert calls == [3]
    assert conditions(results) >= {"Pneumonia"}
    own = backend._count(plan.without_corrections())
    assert results.suggestion == ("pneumonia" if results.total >= 2 * max(own, 1) else "")
    calls.clear()
    search(backend, q="pneumonia")
    assert calls == [2]
