"""NegEx-style negation scopes: what is negated, what is not, and the document split."""

import pytest

from search.negation import split_negated, with_negations_apart


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        (
            "No evidence of tuberculosis. Right lower lobe consolidation.",
            "No evidence of tuberculosis",
        ),
        ("CT: pulmonary embolism was excluded; small effusion.", "pulmonary embolism was excluded"),
        ("Chest pain but no pneumonia on the film.", "no pneumonia on the film"),
        ("Patient denies fever, cough or weight loss.", "denies fever, cough or weight loss"),
        ("Meningitis was ruled out by lumbar puncture.", "Meningitis was ruled out"),
        ("Negative for malaria; treated for dengue.", "Negative for malaria"),
    ],
)
def test_negated_scopes(text, negated):
    affirmed, found = split_negated(text)
    assert found == negated
    assert negated not in affirmed


@pytest.mark.parametrize(
    "text",
    [
        "No change in the nodule size since 2020, consistent with hamartoma.",
        "Gram negative bacilli grew from blood cultures.",
        "Sudden chest pain at rest; smoker.",
        "Tuberculosis confirmed on culture.",
        "",
    ],
)
def test_pseudo_triggers_and_plain_text_negate_nothing(text):
    assert split_negated(text) == (text, "")


def test_a_scope_stops_at_a_termination_word_and_after_six_words():
    _affirmed, negated = split_negated("No fever however a rash appeared.")
    assert negated == "No fever"
    _affirmed, negated = split_negated("No one two three four five six seven eight.")
    assert negated == "No one two three four five six"


def test_documents_keep_negated_mentions_apart_and_titles_whole():
    doc = {
        "title": "Tuberculosis excluded?",
        "summary": "Cough. No evidence of tuberculosis.",
        "findings": "Pulmonary embolism was excluded.",
        "history": "",
    }
    split = with_negations_apart(doc)
    assert split["title"] == "Tuberculosis excluded?"
    assert "tuberculosis" not in split["summary"].lower()
    assert "embolism" not in split["findings"].lower()
    assert split["negated"] == "No evidence of tuberculosis | Pulmonary embolism was excluded"
