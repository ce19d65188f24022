import re

import pytest

from search.synonyms import DEFAULT_FILE, SynonymTable, normalise_words, parse_lines


@pytest.fixture(scope="module")
def table():
    return SynonymTable.from_file()


def test_file_has_at_least_300_distinct_sets(table):
    raw_sets = parse_lines(DEFAULT_FILE.read_text(encoding="utf-8").splitlines())
    assert len(raw_sets) >= 300
    assert len(table) == len(raw_sets)  # nothing collapsed: no duplicate or one-phrase sets


def test_file_lines_are_lower_case_and_free_of_repeats():
    for raw in parse_lines(DEFAULT_FILE.read_text(encoding="utf-8").splitlines()):
        assert len(raw) >= 2, raw
        assert len(set(raw)) == len(raw), raw
        for phrase in raw:
            assert phrase == phrase.lower(), phrase
            assert re.fullmatch(r"[a-z0-9' ]+", phrase), phrase


def test_phrases_shared_between_sets_are_known_ambiguous_abbreviations(table):
    seen: dict[str, int] = {}
    for phrases in table.sets:
        for phrase in phrases:
            seen[phrase] = seen.get(phrase, 0) + 1
    shared = {phrase for phrase, count in seen.items() if count > 1}
    assert shared <= {"ms", "mr", "ed", "gbs"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("heart attack", "myocardial infarction"),
        ("MI", "heart attack"),
        ("stroke", "cerebrovascular accident"),
        ("CVA", "stroke"),
        ("PE", "pulmonary embolism"),
        ("dvt", "deep vein thrombosis"),
        ("COPD", "chronic obstructive pulmonary disease"),
        ("kidney stones", "nephrolithiasis"),
        ("glandular fever", "infectious mononucleosis"),
    ],
)
def test_expands_abbreviations_and_lay_terms(table, query, expected):
    assert expected in table.expand(query)


def test_multi_word_phrase_inside_a_longer_query(table):
    expansions = table.expand("heart attack in young")
    assert "myocardial infarction in young" in expansions
    assert "mi in young" in expansions
    assert "heart attack in young" not in expansions


def test_longest_phrase_wins():
    table = SynonymTable([["heart", "cardiac organ"], ["heart attack", "mi"]])
    assert table.expand("heart attack") == ["mi"]


def test_ambiguous_abbreviation_expands_to_every_meaning(table):
    expansions = table.expand("ms")
    assert "multiple sclerosis" in expansions
    assert "mitral stenosis" in expansions


def test_case_accents_and_punctuation_are_ignored():
    table = SynonymTable([["sjogren's syndrome", "sicca syndrome"]])
    assert table.expand("SJÖGREN'S  Syndrome!") == ["sicca syndrome"]


def test_whole_words_only():
    table = SynonymTable([["mi", "myocardial infarction"]])
    assert table.expand("migraine") == []
    assert table.expand("mild mi") == ["mild myocardial infarction"]


def test_every_known_phrase_in_the_query_is_replaced_in_turn():
    table = SynonymTable([["mi", "heart attack"], ["dm", "diabetes"]])
    assert table.expand("mi with dm") == ["heart attack with dm", "mi with diabetes"]


def test_limit_caps_the_number_of_alternatives(table):
    assert len(table.expand("ms and mr and ed", limit=3)) == 3


def test_unknown_words_and_empty_queries_expand_to_nothing(table):
    assert table.expand("") == []
    assert table.expand("zzzz qqqq") == []


def test_with_extra_adds_sets_without_changing_the_original(table):
    extended = table.with_extra([["Takayasu arteritis", "Aortic arch syndrome"]])
    assert "aortic arch syndrome" in extended.expand("takayasu arteritis")
    assert "aortic arch syndrome" not in table.expand("takayasu arteritis")
    assert len(extended) == len(table) + 1


def test_with_extra_ignores_duplicates_and_single_phrases(table):
    extended = table.with_extra([["heart attack", "mi", "myocardial infarction"], ["alone"]])
    assert len(extended) == len(table)


def test_normalise_words_keeps_unicode_letters():
    assert normalise_words("Fièvre 肺炎, covid-19") == ("fievre", "肺炎", "covid", "19")
