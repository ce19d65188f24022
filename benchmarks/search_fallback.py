"""The database search backend (embedded mode): index build rate and search latency on SQLite
(FTS5) and PostgreSQL (tsvector), and matching a new case against saved searches.

    .venv/bin/python benchmarks/search_fallback.py [--cases 10000] [--queries 300]
        [--backend sqlite|postgresql ...] [--saved-searches 10000]

Loads N seeded synthetic case documents (``synthetic_cases.py``, the same generator and
requests as ``search.py`` for the engines; cached in .bench-cache/ between runs) with
``rebuild`` (timed: the build rate), then times searches (text + synonyms + typos, random
facet filters, every sort, facets and highlighting on) after 50 warm-up searches,
autocomplete and related cases. Baseline, same run: the cheapest listing of the index (the
newest 20 live rows and their count), what a case list costs. PostgreSQL is used when
DATABASE_URL is set. Saved searches (SQLite): N searches of varied queries and filters, then
one new case matched against all of them, as the publish task does.
Targets: p95 <= 50 ms on SQLite at 10,000 cases, <= 150 ms at 100,000; PostgreSQL <= 100 ms at
100,000; SQLite build >= 2,000 cases/s; one case against 10,000 saved searches <= 2 s.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path[0:1] = [str(BENCHMARKS.parent), str(BENCHMARKS)]

import search_backends  # noqa: E402
from synthetic_cases import CONDITIONS, cached_cases, query_params  # noqa: E402


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def backend_rows(name: str, docs: list[dict], queries: int) -> list[tuple[str, str, str]]:
    from search.models import IndexedCase
    from search.queries import SearchRequest
    from search.site import site_analyzer

    rows = []
    count = len(docs)
    with search_backends.empty_backend(name, site_analyzer()) as backend:
        label = search_backends.label(name, backend)
        started = time.perf_counter()
        backend.rebuild(docs)
        rate = count / (time.perf_counter() - started)
        target = ">= 2,000 cases/s" if name == "sqlite" else ""
        rows.append((f"{label}: build, {count:,} cases", f"{rate:,.0f} cases/s", target))
        requests = [SearchRequest.from_params(p) for p in query_params(queries + 50)]
        for req in requests[:50]:
            backend.search(req)
        search_ms = [timed(lambda r=req: backend.search(r)) for req in requests[50:]]
        text_ms = [
            ms for ms, req in zip(search_ms, requests[50:], strict=True) if req.q
        ]  # the searches with words
        rng = random.Random(3)
        prefixes = [rng.choice(CONDITIONS)[0][: rng.randint(2, 6)] for _ in range(queries)]
        complete_ms = [timed(lambda p=p: backend.autocomplete(p)) for p in prefixes]
        ids = [rng.randint(1, count) for _ in range(queries)]
        related_ms = [timed(lambda i=i: backend.related(i)) for i in ids]
        rows_of = IndexedCase.objects.using(backend.using).filter(deleted=False)

        def baseline():
            list(rows_of.order_by("-page_id").values_list("page_id", "source")[:20])
            rows_of.count()

        baseline_ms = [timed(baseline) for _ in range(60)]
    targets = {
        ("sqlite", True): "p95 <= 150 ms",
        ("sqlite", False): "p95 <= 50 ms",
        ("postgresql", True): "p95 <= 100 ms",
    }
    for what, samples in (
        ("search (facets + highlight)", search_ms),
        ("search with words only", text_ms),
        ("autocomplete", complete_ms),
        ("related cases", related_ms),
        ("baseline: newest 20 + count", baseline_ms),
    ):
        median, p95 = summary(samples)
        target = targets.get((name, count >= 100_000), "") if what.startswith("search (") else ""
        rows.append(
            (
                f"{label}: {what}, {len(samples)} runs",
                f"median {median:.1f} ms, p95 {p95:.1f} ms",
                target,
            )
        )
    return rows


def saved_search_rows(docs: list[dict], searches: int) -> list[tuple[str, str, str]]:
    """One new case against ``searches`` saved searches (SQLite), as the publish task does."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from search import alerts
    from search.models import SavedSearch
    from search.site import site_analyzer

    user = get_user_model().objects.create(username=f"bench-{time.time_ns()}")
    analyzer = site_analyzer()
    params = query_params(searches, seed=11)
    plans = []
    for request in params:
        q = request["q"] or "pneumonia"
        filters = {k: tuple(v) for k, v in request.items() if k in ("modalities", "age_band")}
        plans.append((q, filters, alerts.plan_to_json(analyzer.plan(q, filters))))
    SavedSearch.objects.bulk_create(
        [
            SavedSearch(user=user, name=q[:120], query=q, filters=f, notify=True, plan=plan)
            for q, f, plan in plans
        ],
        batch_size=1000,
    )
    published = timezone.now()
    times, found = [], 0
    for run in range(6):  # the first run parses every plan; a worker keeps them parsed
        new_case = dict(docs[run], id=10**9 + run)
        started = time.perf_counter()
        matcher = alerts.SavedSearchMatcher(alerts.SavedSearchMatcher.rows())
        found = len(matcher.matches(new_case, published))
        times.append((time.perf_counter() - started) * 1000)
    cold, warm = times[0], statistics.median(times[1:])
    return [
        (
            f"saved searches: one new case against {searches:,}, first run (load, parse, match)",
            f"{cold:,.0f} ms ({found} matches in the last run)",
            "<= 2 s",
        ),
        (
            f"saved searches: one new case against {searches:,}, next runs (load, match)",
            f"median {warm:,.0f} ms",
            "<= 2 s",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--saved-searches", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        search_backends.setup_django(f"{tmp}/bench.sqlite3")
        started = time.perf_counter()
        docs = cached_cases(args.cases)
        print(f"{args.cases:,} documents ready in {time.perf_counter() - started:.1f} s\n")
        backends = args.backend or [
            name for name in search_backends.available() if name in ("sqlite", "postgresql")
        ]
        rows = []
        for name in backends:
            rows += backend_rows(name, docs, args.queries)
        if args.saved_searches:
            rows += saved_search_rows(docs, args.saved_searches)
    print("| measurement | result | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
