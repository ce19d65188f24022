"""Query plans: phrases whole, synonyms as phrases, typos corrected against the vocabulary,
partial words completed, facet words as filters, stop words dropped."""

import pytest

from search.synonyms import SynonymTable
from search.understanding import QueryAnalyzer

ANALYZER = QueryAnalyzer(
    SynonymTable(
        [
            ["mi", "myocardial infarction", "heart attack"],
            ["pe", "pulmonary embolism"],
            ["pneumothorax", "collapsed lung"],
            ["meningitis", "inflammation of the meninges"],
            ["nai", "child abuse"],
        ]
    ),
    specialties=["Radiology", "Respiratory medicine"],
    vocabulary=["Cholecystitis", "Smoke inhalation"],
)


def terms(plan, kind=None):
    return [p.terms for p in plan.phrasings if kind is None or p.kind == kind]


def test_known_phrases_stay_whole_and_synonyms_are_phrases():
    plan = ANALYZER.plan("heart attack")
    assert terms(plan) == [(("heart", "attack"),), (("mi",),), (("myocardial", "infarction"),)]


def test_stop_words_drop_except_inside_a_known_phrase():
    assert terms(ANALYZER.plan("the heart of it"), "original") == [(("heart",),)]
    plan = ANALYZER.plan("inflammation of the meninges")
    assert terms(plan, "original") == [(("inflammation", "of", "the", "meninges"),)]
    assert (("meningitis",),) in terms(plan)


def test_only_stop_words():
    plan = ANALYZER.plan("of the and")
    assert plan.only_stopwords and not plan.has_text


@pytest.mark.parametrize(
    ("q", "correction"),
    [("pnuemothorax", "pneumothorax"), ("myocardial infraction", "myocardial infarction")],
)
def test_typos_are_corrected_to_the_vocabulary(q, correction):
    plan = ANALYZER.plan(q)
    assert plan.correction == correction
    assert any(p.kind == "corrected" for p in plan.phrasings)
    assert plan.without_corrections().correction == ""
    assert all(p.kind != "corrected" for p in plan.without_corrections().phrasings)


@pytest.mark.parametrize("q", ["smoker", "pain", "cholecystitis", "x" * 30, "12345"])
def test_no_correction_for_short_known_numeric_or_inflected_words(q):
    assert ANALYZER.plan(q).correction == ""


def test_the_partial_last_word_is_a_prefix_and_completed():
    plan = ANALYZER.plan("cholecyst")
    assert plan.prefix_terms == frozenset({("cholecyst",)})
    assert (("cholecystitis",),) in terms(plan, "completed")
    assert ANALYZER.plan("cholecystitis").prefix_terms == frozenset()


def test_age_words_and_specialties_become_filters_with_chips():
    plan = ANALYZER.plan("PE radiology child")
    assert plan.filters == {"specialty": ("Radiology",), "age_band": ("1-4", "5-9", "10-14")}
    assert [(c.label, c.without) for c in plan.chips] == [
        ("Specialty: Radiology", "pe child"),
        ("Age: child", "pe radiology"),
    ]
    assert terms(plan, "original") == [(("pe",),)]


def test_explicit_filters_win_over_facet_words():
    plan = ANALYZER.plan("pe elderly", {"age_band": ("20-24",)})
    assert plan.filters == {"age_band": ("20-24",)}
    assert plan.chips == ()


@pytest.mark.parametrize("q", ["child abuse", "child", "respiratory medicine"])
def test_facet_words_inside_a_phrase_or_alone_stay_text(q):
    plan = ANALYZER.plan(q)
    assert plan.chips == () and plan.filters == {}
    assert plan.has_text
