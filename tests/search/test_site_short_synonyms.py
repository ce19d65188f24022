"""Short synonyms (abbreviations) match whole words only on the database backend."""

import pytest

from search.backends.database import DatabaseBackend
from search.queries import SearchRequest
from search.synonyms import SynonymTable
from tests.factories import CasePageFactory, ConditionFactory

pytestmark = pytest.mark.django_db


def test_abbreviation_synonyms_do_not_match_inside_words():
    mi = CasePageFactory(
        title="Crushing chest pain", diagnosis=ConditionFactory(name="Myocardial infarction")
    )
    CasePageFactory(
        title="Family history of bowel cancer",
        summary="Examination was unremarkable.",
        history="Her family noticed weight loss; vitamin levels were normal.",
        diagnosis=ConditionFactory(name="Colon cancer"),
    )
    synonyms = SynonymTable.from_file().with_extra([["heart attack", "AMI", "MI"]])
    results = DatabaseBackend(synonyms=synonyms).search(SearchRequest(q="heart attack"))
    assert [hit.id for hit in results.hits] == [mi.pk]
