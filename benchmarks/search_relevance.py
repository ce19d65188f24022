"""Relevance of peer search on a labelled set: recall@10, MRR@10, nDCG@10 per category and
overall, per backend, against a naive keyword baseline in the same run.

    .venv/bin/python benchmarks/search_relevance.py [--backend NAME ...] [--every N]

Backends: sqlite always; postgresql with DATABASE_URL; elasticsearch / opensearch with their
URLs (``make services-up`` writes all of them to .services/env). The set
(``relevance_data.py``): 384 synthetic cases over 84 conditions, 48 of them distractors that
rule a condition out, and about 200 queries (exact, abbreviation, lay term, typo, partial,
facet). The baseline is the naive search users had before: every query word must occur as a
substring somewhere in the case, ranked by how often the words occur. Goals: recall@10 >=
0.95 overall and >= 0.90 per category, MRR@10 >= 0.90, no ruled-out distractor in the top 3.
``--every N`` runs every Nth query only (the slow test uses it).
"""

import argparse
import math
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import relevance_data
import search_backends

CATEGORIES = ("exact", "abbreviation", "lay term", "typo", "partial", "facet")
GOALS = {"recall": 0.95, "category_recall": 0.90, "mrr": 0.90}
_TEXT_FIELDS = ("title", "summary", "history", "findings", "discussion", "learning_points",
                "management", "condition")  # fmt: skip


def metrics(ranked: list[int], relevant: frozenset[int]) -> tuple[float, float, float]:
    """(recall@10, MRR@10, nDCG@10) of one ranking with binary relevance."""
    top = ranked[:10]
    if not relevant:
        return 1.0, 1.0, 1.0
    hits = [doc in relevant for doc in top]
    recall = sum(hits) / min(len(relevant), 10)
    mrr = next((1 / (rank + 1) for rank, hit in enumerate(hits) if hit), 0.0)
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    return recall, mrr, dcg / ideal


class NaiveKeyword:
    """Every query word is a substring of the case's text; more occurrences rank higher."""

    def __init__(self, docs):
        self.texts = {d["id"]: " ".join(str(d.get(f, "")) for f in _TEXT_FIELDS).lower()
                      for d in docs}  # fmt: skip
        self.docs = {d["id"]: d for d in docs}

    def ranked(self, q: str, filters) -> list[int]:
        words = re.findall(r"\w+", q.lower())
        scored = []
        for doc_id, text in self.texts.items():
            if words and all(word in text for word in words):
                scored.append((-sum(text.count(word) for word in words), doc_id))
        return [doc_id for _score, doc_id in sorted(scored)]


def evaluate(rank, queries, docs, show_misses: bool = False) -> dict:
    """Per category: recall, MRR, nDCG means; plus distractors reaching the top 3."""
    by_id = {d["id"]: d for d in docs}
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    distractors = 0
    for query in queries:
        ranked = rank(query)
        if show_misses and metrics(ranked, query.relevant)[:2] != (1.0, 1.0):
            top = [by_id[doc]["condition"] for doc in ranked[:3]]
            print(f"miss: {query.category} {query.text!r} ({query.condition}): {top}")
        for key in (query.category, "overall"):
            values = sums[key]
            for i, value in enumerate(metrics(ranked, query.relevant)):
                values[i] += value
            values[3] += 1
        distractors += sum(
            1 for doc in ranked[:3] if by_id[doc].get("distractor_for") == query.condition
        )
    table = {key: tuple(v[i] / v[3] for i in range(3)) + (v[3],) for key, v in sums.items()}
    return {"table": table, "distractors": distractors}


def run(backends: list[str], every: int = 1, show_misses: bool = False) -> dict[str, dict]:
    """Results per system ("baseline" and each backend label)."""
    from search.negation import with_negations_apart
    from search.queries import SearchRequest
    from search.synonyms import SynonymTable
    from search.understanding import QueryAnalyzer

    raw = relevance_data.cases()
    docs = [with_negations_apart(doc) for doc in raw]
    for doc in docs:
        doc.pop("distractor_for", None)
    queries = relevance_data.queries(raw)[::every]
    analyzer = QueryAnalyzer(
        SynonymTable.from_file(),
        relevance_data.SPECIALTIES,
        [c.name for c in relevance_data.conditions()],
    )
    results = {}
    naive = NaiveKeyword(raw)
    results["naive keyword baseline"] = evaluate(
        lambda q: naive.ranked(q.text, q.filters), queries, raw
    )
    for name in backends:
        with search_backends.empty_backend(name, analyzer) as backend:
            backend.index(docs)
            search_backends.refresh(backend)

            def rank(query, backend=backend):
                req = SearchRequest.from_params({"q": query.text, "page_size": "10"})
                return [hit.id for hit in backend.search(req).hits]

            results[search_backends.label(name, backend)] = evaluate(
                rank, queries, raw, show_misses
            )
    return {"results": results, "queries": len(queries), "cases": len(raw)}


def print_report(report: dict) -> None:
    print(f"{report['cases']} cases, {report['queries']} queries\n")
    print("| system | category | queries | recall@10 | MRR@10 | nDCG@10 |")
    print("|---|---|---:|---:|---:|---:|")
    for system, result in report["results"].items():
        table = result["table"]
        for category in (*CATEGORIES, "overall"):
            if category in table:
                recall, mrr, ndcg, n = table[category]
                print(f"| {system} | {category} | {n} | {recall:.3f} | {mrr:.3f} | {ndcg:.3f} |")
    print("\n| system | ruled-out distractors in the top 3 | goals met |")
    print("|---|---:|---|")
    for system, result in report["results"].items():
        print(f"| {system} | {result['distractors']} | {'yes' if meets_goals(result) else 'no'} |")


def meets_goals(result: dict) -> bool:
    table = result["table"]
    recall, mrr, _ndcg, _n = table["overall"]
    categories_ok = all(table[c][0] >= GOALS["category_recall"] for c in CATEGORIES if c in table)
    return (
        recall >= GOALS["recall"]
        and mrr >= GOALS["mrr"]
        and categories_ok
        and result["distractors"] == 0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=search_backends.ALL)
    parser.add_argument("--every", type=int, default=1, help="run every Nth query only")
    parser.add_argument("--show-misses", action="store_true", help="print imperfect queries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        search_backends.setup_django(f"{tmp}/relevance.sqlite3")
        backends = args.backend or search_backends.available()
        print_report(run(backends, args.every, args.show_misses))


if __name__ == "__main__":
    main()
