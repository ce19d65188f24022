"""A quarter of the labelled relevance set (``benchmarks/search_relevance.py``) on every
backend: regressions in ranking, synonyms, typos, partial words, facet words or negation
fail CI. Slow: it indexes 388 cases per backend."""

import sys
from pathlib import Path

import pytest

from search.negation import with_negations_apart
from search.queries import SearchRequest
from search.synonyms import SynonymTable
from search.understanding import QueryAnalyzer
from tests.search.site_fixtures import BACKENDS, backend_named, load

sys.path.append(str(Path(__file__).resolve().parents[2] / "benchmarks"))

import relevance_data
import search_relevance

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.parametrize("name", BACKENDS)
def test_relevance_goals_on_a_quarter_of_the_labelled_set(name):
    raw = relevance_data.cases()
    docs = [with_negations_apart(doc) for doc in raw]
    for doc in docs:
        doc.pop("distractor_for", None)
    queries = relevance_data.queries(raw)[::4]
    analyzer = QueryAnalyzer(
        SynonymTable.from_file(),
        relevance_data.SPECIALTIES,
        [c.name for c in relevance_data.conditions()],
    )
    with backend_named(name) as backend:
        backend.analyzer = analyzer
        load(backend, docs)

        def rank(query):
            req = SearchRequest.from_params({"q": query.text, "page_size": "10"})
            return [hit.id for hit in backend.search(req).hits]

        result = search_relevance.evaluate(rank, queries, raw)
    assert {q.category for q in queries} == set(search_relevance.CATEGORIES)
    assert search_relevance.meets_goals(result), result
