"""Search quality, one contract on every backend (SQLite FTS5, PostgreSQL tsvector,
Elasticsearch, OpenSearch): the diagnosis outranks a passing mention, synonyms and short
abbreviations match as whole words and phrases, typos find the condition, ruled-out mentions
rank below, highlights mark whole words, facet words become filters; and hostile input
(FTS5 and tsquery syntax, long, emoji, combining marks, stop words) never fails."""

import os

import pytest
from django.db import connection

from search.backends.database import DatabaseBackend
from search.negation import with_negations_apart
from search.queries import SearchRequest
from search.synonyms import SynonymTable
from search.understanding import QueryAnalyzer
from tests.search.site_fixtures import BACKENDS, ENGINE_URLS, engine_backend, load

SPECS = {
    "mi": {
        "title": "Inferior STEMI after a long run",
        "summary": "Crushing central pain radiating to the jaw.",
        "findings": "ST elevation in II, III and aVF.",
        "condition": "Myocardial infarction",
    },
    "mention": {
        "title": "Breathless at night",
        "summary": "Orthopnoea and ankle swelling.",
        "history": "Previous myocardial infarction in 2019.",
        "condition": "Heart failure",
    },
    "systemic": {
        "title": "Tight skin and systemic features",
        "summary": "Acute onset; heart sounds normal; family admitted her.",
        "condition": "Systemic sclerosis",
    },
    "tb": {
        "title": "Cavitating upper lobe lesion",
        "summary": "Night sweats and weight loss for months.",
        "condition": "Tuberculosis",
    },
    "tb_excluded": {
        "title": "Right lower lobe consolidation",
        "summary": "Fever and productive cough.",
        "findings": "No evidence of tuberculosis on the film.",
        "condition": "Pneumonia",
    },
    "pe": {
        "title": "Saddle embolus after a flight",
        "summary": "Sudden breathlessness and pleuritic pain.",
        "condition": "Pulmonary embolism",
        "specialty": "Radiology",
    },
    "pe_excluded": {
        "title": "Sudden breathlessness in a tall young man",
        "summary": "Pleuritic pain; pulmonary embolism was excluded by angiography.",
        "condition": "Pneumothorax",
    },
    "child_pneumonia": {
        "title": "Consolidation in a wheezy child",
        "summary": "Fever and cough.",
        "condition": "Lobar pneumonia",
        "condition_synonyms": ["pneumonia"],
        "specialty": "Paediatrics",
        "age_band": "5-9",
    },
}


def document(number: int, spec: dict) -> dict:
    """A case document as ``search.documents.case_document`` builds it."""
    return with_negations_apart(
        {
            "id": 9000 + number,
            "url": f"/cases/{number}/",
            "history": "Attended with symptoms.",
            "findings": "Observations recorded.",
            "discussion": "",
            "learning_points": "",
            "management": "",
            "condition_synonyms": [],
            "differentials": [],
            "specialty": "General medicine",
            "body_systems": [],
            "modalities": [],
            "age_band": "50-54",
            "sex": "female",
            "certainty": "certain",
            "case_mode": "teaching",
            "tags": [],
            "has_images": False,
            "featured": False,
            "published_at": f"2026-01-{number + 1:02d}T09:00:00+00:00",
            "comment_count": 0,
            "proposal_count": 0,
            "version": 1,
            **spec,
        }
    )


DOCUMENTS = [document(number, spec) for number, spec in enumerate(SPECS.values())]
ANALYZER = QueryAnalyzer(SynonymTable.from_file(), ["Radiology", "Paediatrics", "General medicine"])


@pytest.fixture
def cases():
    """Case key -> document id."""
    return {key: doc["id"] for key, doc in zip(SPECS, DOCUMENTS, strict=True)}


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request):
    """Engines get the documents once per module (read-only tests); the database backends
    get them in each test's transaction (``backend``)."""
    if request.param in ENGINE_URLS:
        url = os.environ.get(ENGINE_URLS[request.param], "")
        if not url:
            pytest.skip(f"{ENGINE_URLS[request.param]} is not set")
        with engine_backend(url, analyzer=ANALYZER) as engine:
            load(engine, DOCUMENTS)
            yield engine
    else:
        yield request.param


@pytest.fixture
def backend(loaded, db):
    if not isinstance(loaded, str):
        return loaded
    if connection.vendor != loaded:
        pytest.skip(f"this run's database is {connection.vendor}, not {loaded}")
    database = DatabaseBackend(analyzer=ANALYZER)
    database.clear()
    load(database, DOCUMENTS)
    return database


def search(backend, q, **params):
    return backend.search(SearchRequest.from_params({"q": q, **params}))


def ranked(results, cases):
    names = {case_id: name for name, case_id in cases.items()}
    return [names[hit.id] for hit in results.hits]


def marks(results):
    return [fragment for hit in results.hits for f in hit.highlights.values() for fragment in f]


@pytest.mark.parametrize("q", ["MI", "heart attack", "myocardial infraction", "STEMI"])
def test_myocardial_infarction_first_whatever_the_words(backend, cases, q):
    order = ranked(search(backend, q), cases)
    assert order[0] == "mi"
    assert "systemic" not in order  # no expansion word ("acute", "heart") matches alone


def test_the_diagnosis_outranks_a_passing_mention(backend, cases):
    assert ranked(search(backend, "myocardial infarction"), cases) == ["mi", "mention"]


def test_short_abbreviations_and_highlights_are_whole_words(backend, cases):
    results = search(backend, "STEMI")
    fragments = " ".join(marks(results))
    assert "<mark>STEMI</mark>" in fragments
    assert "sy<mark>" not in fragments.lower() and "<mark>stem</mark>" not in fragments.lower()
    assert ranked(search(backend, "mi"), cases)[0] == "mi"


def test_synonym_phrases_are_marked_whole(backend, cases):
    results = search(backend, "heart attack")
    for fragment in marks(results):
        assert "<mark>heart</mark> failure" not in fragment.lower()


@pytest.mark.parametrize(("q", "first"), [("pnuemothorax", "pe_excluded"), ("tuberclosis", "tb")])
def test_a_misspelt_condition_finds_it(backend, cases, q, first):
    assert ranked(search(backend, q), cases)[0] == first


def test_did_you_mean_when_the_correction_finds_much_more(backend, cases):
    results = search(backend, "pnuemothorax")
    if results.suggestion:  # engines' own fuzziness may already find as much
        assert results.suggestion == "pneumothorax"
    assert search(backend, "pneumothorax").suggestion == ""


@pytest.mark.parametrize(
    ("q", "about", "ruled_out"),
    [("tuberculosis", "tb", "tb_excluded"), ("pulmonary embolism", "pe", "pe_excluded")],
)
def test_ruled_out_mentions_rank_below_the_cases_about_it(backend, cases, q, about, ruled_out):
    order = ranked(search(backend, q), cases)
    assert order[0] == about
    assert ruled_out not in order or order.index(ruled_out) > order.index(about)


def test_age_words_become_a_removable_filter(backend, cases):
    results = search(backend, "pneumonia child")
    assert ranked(results, cases) == ["child_pneumonia"]
    (chip,) = results.chips
    assert (chip.facet, chip.label, chip.without) == ("age_band", "Age: child", "pneumonia")
    assert set(ranked(search(backend, chip.without), cases)) >= {"child_pneumonia", "tb_excluded"}


def test_specialty_names_become_a_filter(backend, cases):
    results = search(backend, "PE radiology")
    assert ranked(results, cases) == ["pe"]
    assert [chip.label for chip in results.chips] == ["Specialty: Radiology"]


@pytest.mark.parametrize(
    "q",
    [
        '"jaw',
        "jaw*",
        "pain AND jaw",
        "jaw OR",
        "(jaw",
        "- jaw",
        "jaw & | ! <-> :*",
        "'jaw':*",
        ("jaw " * 60).strip(),
        "jaw 🫀💔",
    ],
)
def test_query_syntax_of_fts5_and_tsquery_is_plain_text(backend, cases, q):
    assert ranked(search(backend, q), cases) == ["mi"]


@pytest.mark.parametrize(
    "q",
    ["NEAR(pain jaw)", "jaw' OR '1'='1", "-", "x" * 200, "ja\u0301w", "\u0301\u0302", "🫀", "*"],
)
def test_hostile_queries_never_fail(backend, cases, q):
    results = search(backend, q)
    assert results.total == len(results.hits) <= len(cases)


def test_a_query_of_stop_words_lists_every_case_and_says_so(backend, cases):
    results = search(backend, "the of and")
    assert results.only_stopwords
    assert results.total == len(cases)


def test_a_facet_value_that_no_longer_exists_matches_nothing(backend, cases):
    results = search(backend, "pneumonia", specialty="Cardiac surgery")
    assert results.total == 0
