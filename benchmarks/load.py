"""The whole stack under load (issue 13): PostgreSQL, a two-node Elasticsearch cluster, s3proxy
and Redis, gunicorn with 4 workers, RQ workers and the periodic scheduler, 5,000 published
cases, and verified clinicians driven by locust.

    .venv/bin/python -m benchmarks.load [--cases 5000] [--users 50,100,150,200]
        [--seconds 90] [--series 12] [--discussion-url '{case}comments/']

Prints three tables (markdown):
1. Media throughput with 1 and 2 RQ workers in the same run (1 worker is the baseline):
   --series uploads of a 20-slice series queued at once, time until every file settled.
2. Per page, at each user count (1-3 s think time): requests/s, p50/p95/p99, errors, and
   media processed per minute while the users upload. Goals: 0 errors, case page p95 <= 150
   ms, search p95 <= 250 ms. The user counts run in order; past 50 (always run) they stop
   after the first that misses a goal. The highest that meets them is reported.
3. Lost writes after the load: accepted uploads missing or stuck, objects without rows.

Bounded: every locust run stops itself after --seconds. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOALS = {"case page": 150.0, "search": 250.0}
# The reference load: always measured, even after a smaller count missed a goal.
REFERENCE_USERS = 50


def media_throughput(stack, series: int) -> list[dict]:
    """Queue ``series`` uploads at once for 1, then 2 workers; slices processed per minute."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from benchmarks.series import series_zip
    from cases.models import CasePage
    from media_pipeline.models import UploadedFile
    from media_pipeline.services import ingest_upload

    user = User.objects.get(username="load-clinician-0")
    case = CasePage.objects.filter(owner=user).first()
    rows = []
    for workers in (1, 2):
        stack.start_workers(workers)
        zips = [series_zip() for _ in range(series)]
        uploads = [
            ingest_upload(case, user, [SimpleUploadedFile("series.zip", data)]) for data in zips
        ]
        seconds = stack.settle_uploads(600)
        stack.stop_workers()
        files = UploadedFile.objects.filter(upload__in=uploads)
        slices = 20 * files.filter(status="ready").count()
        rows.append({"workers": workers, "series": series, "slices": slices,
                     "seconds": seconds, "per_minute": slices / seconds * 60})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--users", default="5,10,20,50")
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--series", type=int, default=12, help="0 skips the throughput part")
    parser.add_argument(
        "--discussion-url", default=None, help="comment URL with {case_id} (default: found)"
    )
    args = parser.parse_args()
    steps = [int(n) for n in args.users.split(",")]

    from benchmarks.loadrun import (
        WARM_UP_SECONDS,
        discussion_url,
        page_table,
        print_table,
        run_locust,
    )
    from benchmarks.stack import WORK, Stack

    stack = Stack(web_workers=4)
    t0 = time.monotonic()
    summary = stack.prepare(args.cases, users=max(steps))
    if args.discussion_url is None:
        args.discussion_url = discussion_url()
    print(f"comment-or-proposal action: {args.discussion_url or 'off (no discussion URLs)'}")
    print(f"stack ready in {time.monotonic() - t0:.0f} s: {summary}", flush=True)
    results: dict = {"summary": summary, "steps": []}
    try:
        throughput = media_throughput(stack, args.series) if args.series else []
        results["throughput"] = throughput
        if throughput:
            print("\n## Media throughput (20-slice 256x256 CT series, queued at once)\n")
            print("| RQ workers | series | slices | seconds | slices/min | vs 1 worker |")
            print("|---:|---:|---:|---:|---:|---:|")
        for row in throughput:
            ratio = row["per_minute"] / throughput[0]["per_minute"]
            print(f"| {row['workers']} | {row['series']} | {row['slices']} | "
                  f"{row['seconds']:.1f} | {row['per_minute']:.0f} | {ratio:.2f}x |")  # fmt: skip

        stack.start_web()
        stack.start_workers(2)
        stack.start_scheduler()
        from media_pipeline.models import MediaInstance

        receipts_all = []
        for users in steps:
            before = MediaInstance.objects.count()
            load_before = os.getloadavg()[0]
            events, receipts, started = run_locust(
                stack.url, users, args.seconds, f"load-{users}", args.discussion_url
            )
            ended = time.time()
            processed = MediaInstance.objects.count() - before
            receipts_all += receipts
            rows = page_table(events, started + WARM_UP_SECONDS, ended)
            results["steps"].append({"users": users, "rows": rows, "media": processed,
                                     "minutes": (ended - started) / 60})  # fmt: skip
            print(f"\n## {users} users, {args.seconds} s (first {WARM_UP_SECONDS} s excluded)\n")
            print_table(rows)
            per_minute = processed / ((ended - started) / 60)
            load_after = os.getloadavg()[0]
            results["steps"][-1]["loadavg"] = (load_before, load_after)
            print(f"\nmachine load average (2 cores): {load_before:.1f} before, "
                  f"{load_after:.1f} after")  # fmt: skip
            print(f"\nmedia processed during the run: {processed} slices ({per_minute:.0f}/min)")
            by_page = {row["page"]: row for row in rows}
            met = by_page["all"]["errors"] == 0 and all(
                by_page.get(page, {"p95": 0})["p95"] <= limit for page, limit in GOALS.items()
            )
            results["steps"][-1]["goals_met"] = met
            if not met and users >= REFERENCE_USERS:
                break
        settle = stack.settle_uploads(600)
        lost = stack.lost_writes(receipts_all)
        results["lost"] = lost
        results["settle_seconds"] = settle
        print(f"\n## Writes after the load (settled {settle:.0f} s after the last run)\n")
        print("| accepted files | missing | stuck processing | failed | orphan objects | "
              "missing objects | accepted comments | lost comments |")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| {lost['accepted_files']} | {lost['missing']} | {lost['stuck_processing']} | "
              f"{lost['failed']} | {lost['orphan_objects']} | {lost['missing_objects']} | "
              f"{lost.get('accepted_comments', 0)} | {lost.get('lost_comments', 0)} |")  # fmt: skip
        met_steps = [s["users"] for s in results["steps"] if s["goals_met"]]
        print(f"\nhighest user count meeting the goals: {max(met_steps) if met_steps else 'none'}")
    finally:
        stack.stop()
        (WORK / "load-results.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
