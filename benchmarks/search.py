"""Search engine benchmark: bulk indexing rate and query latency on synthetic cases.

    .venv/bin/python benchmarks/search.py --cases 100000 --queries 300
        [--url URL ...]   (default: $ELASTICSEARCH_URL and $OPENSEARCH_URL)

For each engine: rebuilds an index of seeded synthetic cases under a throwaway prefix (timed:
bulk load + refresh + alias swap), then times searches (text + synonyms + typos, random facet
filters, every sort, facets and highlighting on), autocomplete and related-case queries after
a warm-up, and deletes the index. Prints one markdown table. Targets: >= 2,000 docs/s indexing
and p95 <= 50 ms per search at 100k cases.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
sys.path[0:1] = [str(BENCHMARKS.parent), str(BENCHMARKS)]  # the search package, not this file

from synthetic_cases import CONDITIONS, cached_cases, query_params  # noqa: E402

from search import indexer  # noqa: E402
from search.backends.engine import EngineBackend  # noqa: E402
from search.client import connect  # noqa: E402
from search.queries import SearchRequest  # noqa: E402


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def engine_rows(url: str, cases: int, queries: int) -> list[tuple[str, str, str]]:
    """Benchmark rows (what, result, target) for the engine at ``url``."""
    client = connect(url, timeout=30)
    caps = client.capabilities
    label = f"{caps.flavour} {'.'.join(map(str, caps.version))}"
    prefix = f"bench_{secrets.token_hex(3)}_"
    documents = cached_cases(cases)
    backend = EngineBackend(client, prefix=prefix)
    try:
        started = time.perf_counter()
        indexer.rebuild(client, documents, prefix=prefix)
        rate = cases / (time.perf_counter() - started)
        requests = [SearchRequest.from_params(p) for p in query_params(queries + 50)]
        for req in requests[:50]:  # warm-up: caches, JIT, file system
            backend.search(req)
        search_ms = [timed(lambda r=req: backend.search(r)) for req in requests[50:]]
        rng = random.Random(3)
        prefixes = [rng.choice(CONDITIONS)[0][: rng.randint(2, 6)] for _ in range(queries)]
        complete_ms = [timed(lambda p=p: backend.autocomplete(p)) for p in prefixes]
        ids = [rng.randint(1, cases) for _ in range(queries)]
        related_ms = [timed(lambda i=i: backend.related(i)) for i in ids]
    finally:
        for name in client.list_indexes(f"{prefix}*"):
            client.delete_index(name)
        client.close()
    rows = [(f"{label}: bulk index {cases:,} cases", f"{rate:,.0f} docs/s", ">= 2,000 docs/s")]
    for what, samples in (
        ("search (facets + highlight)", search_ms),
        ("autocomplete", complete_ms),
        ("related (more like this)", related_ms),
    ):
        median, p95 = percentiles(samples)
        target = "p95 <= 50 ms" if what.startswith("search") else ""
        rows.append(
            (
                f"{label}: {what}, {len(samples)} queries",
                f"median {median:.1f} ms, p95 {p95:.1f} ms",
                target,
            )
        )
    return rows


def print_table(rows: list[tuple[str, str, str]]) -> None:
    print("| measurement | result | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", help="engine URL (repeatable)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    urls = args.url or [
        os.environ[name] for name in ("ELASTICSEARCH_URL", "OPENSEARCH_URL") if os.environ.get(name)
    ]
    if not urls:
        parser.error("no engine: pass --url or set ELASTICSEARCH_URL / OPENSEARCH_URL")
    rows = []
    for url in urls:
        rows += engine_rows(url, args.cases, args.queries)
    print_table(rows)


if __name__ == "__main__":
    main()
