"""Faults under load (issue 13): one locust run of verified clinicians while, in turn,
PostgreSQL restarts, Redis stops, the S3 server stops and an Elasticsearch node stops.

    .venv/bin/python -m benchmarks.faults [--users 50] [--outage 30] [--cases 5000]

Needs the stack of benchmarks/load.py (it reuses the seeded database). Timeline, in seconds
from the start of the load: 20 s of calm (the baseline of every figure), then each fault for
--outage seconds followed by a recovery gap. While the Elasticsearch node is away, 20 cases
are edited and republished (index writes that must reach the cluster). After the load: the
uploads settle, the outbox drains, and the lost writes are counted (must be 0).

Prints one table: per window, the requests and errors of each page (and which statuses), p95,
and what the fault must not break. Bounded and loopback-only.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CALM = 20
GAP = 40  # recovery time after each fault before the next one
# A node rejoining takes up to two minutes on a busy machine: the load runs on past the plan.
SLACK = 150
# The node last: its rejoin can outlast the planned window (145 s once), which pushed the
# PostgreSQL restart past the end of the load when it came first.
FAULTS = ("postgres restart", "redis", "s3", "elasticsearch node")


def republish(count: int) -> list[int]:
    """Edit and publish ``count`` cases, as editors approving changes would."""
    from cases.models import CasePage

    ids = []
    for page in CasePage.objects.live().filter(slug__startswith="load-case-").order_by("?")[:count]:
        page.summary = f"{page.summary.split(' (rev')[0]} (rev {int(time.time())})"
        page.save_revision().publish()
        ids.append(page.pk)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--outage", type=int, default=30)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--faults", default=",".join(FAULTS), help="a comma-separated subset")
    parser.add_argument("--calm", type=int, default=CALM, help="seconds of load before")
    parser.add_argument(
        "--discussion-url", default=None, help="comment URL with {case_id} (default: found)"
    )
    args = parser.parse_args()

    from benchmarks.stack import Stack

    stack = Stack(web_workers=4)
    stack.prepare(args.cases, users=args.users)
    if args.discussion_url is None:
        from benchmarks.loadrun import discussion_url

        args.discussion_url = discussion_url()
    try:
        run_faults(stack, args)
    finally:
        stack.stop()


def run_faults(stack, args) -> None:
    from django.db import connections

    from benchmarks.loadrun import percentile, run_locust
    from benchmarks.stack import WORK

    stack.start_web()
    stack.start_workers(2)
    stack.start_scheduler()
    outage = args.outage
    faults = [name.strip() for name in args.faults.split(",") if name.strip()]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise SystemExit(f"unknown faults {sorted(unknown)}; choose from {FAULTS}")
    total = args.calm + len(faults) * (outage + GAP) + SLACK
    result: dict = {}
    windows: list[tuple[str, float, float]] = []

    def load():
        result["events"], result["receipts"], result["started"] = run_locust(
            stack.url, args.users, total, "faults", args.discussion_url
        )

    runner = threading.Thread(target=load)
    runner.start()
    try:
        begin = time.time()
        time.sleep(args.calm)
        windows.append(("calm", begin + 5, time.time()))
        republished: list[int] = []
        for fault in faults:
            start = time.time()
            if fault == "elasticsearch node":
                stack.service("node", "escluster", "2", "stop")
                republished = republish(20)
                time.sleep(max(0, outage - (time.time() - start)))
                stack.service("node", "escluster", "2", "start")
            elif fault == "postgres restart":
                stack.service("restart", "postgres")
                # This script's own connection died with the server, as the site's did.
                connections.close_all()
            else:
                name = "redis" if fault == "redis" else "s3"
                stack.service("stop", name)
                time.sleep(outage)
                stack.service("start", name)
            windows.append((fault, start, time.time()))
            (WORK / "fault-windows.json").write_text(json.dumps(windows))
            time.sleep(GAP)
        runner.join()
    finally:
        runner.join()

    # After the load: what clean-expired-uploads does within 5 minutes, done now so the run is
    # bounded (it picks up the uploads accepted while Redis was away).
    stack.manage("resume_uploads", "--minutes", "15")
    settle = stack.settle_uploads(600)
    drained_at = time.monotonic()
    from search import services as search_services

    while search_services.pending_count() and time.monotonic() - drained_at < 300:
        search_services.make_all_due()
        search_services.replay_outbox()
        time.sleep(2)
    drain = time.monotonic() - drained_at
    lost = stack.lost_writes(result["receipts"])
    index = stack.index_in_line()
    stale = _stale_documents(republished)

    events = result["events"]
    print(f"\n## Faults under load: {args.users} users, {outage} s outages\n")
    print("| window | s | requests | errors (statuses) | case page p95 ms | search p95 ms | "
          "search answered | uploads accepted |")  # fmt: skip
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    rows = []
    for name, since, until in windows:
        window = [e for e in events if since <= e.t < until]
        errors = collections.Counter(e.status for e in window if not e.ok)
        case = [e.ms for e in window if e.name == "case page" and e.ok]
        search = [e for e in window if e.name == "search"]
        uploads = [e for e in window if e.name.startswith("upload")]
        row = {
            "window": name, "seconds": until - since, "requests": len(window),
            "errors": dict(errors), "case_p95": percentile(case, 95),
            "search_p95": percentile([e.ms for e in search if e.ok], 95),
            "search_ok": f"{sum(e.ok for e in search)}/{len(search)}",
            "uploads_ok": f"{sum(e.ok for e in uploads)}/{len(uploads)}",
        }  # fmt: skip
        rows.append(row)
        statuses = ", ".join(f"{n}x {s}" for s, n in sorted(errors.items())) or "0"
        print(f"| {name} | {row['seconds']:.0f} | {row['requests']} | {statuses} | "
              f"{row['case_p95']:.0f} | {row['search_p95']:.0f} | {row['search_ok']} | "
              f"{row['uploads_ok']} |")  # fmt: skip
    print(f"\nuploads settled {settle:.0f} s after the load; outbox drained in {drain:.0f} s")
    print(f"index: {index}; republished during the node outage with a stale document: {stale}")
    alive = sum(worker.poll() is None for worker in stack.workers)
    print(
        f"writes: {lost}; RQ workers still running (none restarted): {alive}/{len(stack.workers)}"
    )
    lost_total = lost["missing"] + lost["stuck_processing"] + lost["orphan_objects"]
    lost_total += lost["missing_objects"] + stale + index["pending"] + lost.get("lost_comments", 0)
    print(f"\nlost writes: {lost_total}")
    (WORK / "fault-results.json").write_text(json.dumps(
        {"rows": rows, "lost": lost, "index": index, "stale": stale, "settle": settle,
         "drain": drain}, indent=2, default=str))  # fmt: skip


def _stale_documents(page_ids: list[int]) -> int:
    """Republished cases whose document in the engine does not carry the new summary."""
    from cases.models import CasePage
    from search.site import get_search_backend

    backend = get_search_backend()
    stale = 0
    for page in CasePage.objects.filter(pk__in=page_ids):
        doc = backend.client.get(backend.alias, page.pk) or {}
        if doc.get("summary") != page.summary:
            stale += 1
    return stale


if __name__ == "__main__":
    main()
