"""Running locust against the stack and reading its per-request events (shared by load.py and
faults.py)."""

from __future__ import annotations

import json
import os
import random
import statistics
import string
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.stack import PY, ROOT, WORK

# The traffic mix (by action; see locustfile.py). "discussion" is the comment or
# proposal action: it runs only when LOAD_DISCUSSION_URL is given (issue 8).
DEFAULT_MIX = {"case_page": 60, "search": 20, "home": 10, "discussion": 5, "upload": 5}
# Not part of the mix: a trickle of /healthz (no database, no service) as the named baseline,
# which shows how busy the machine itself was during the same run.
BASELINE_WEIGHT = 2
WARM_UP_SECONDS = 10


@dataclass
class Event:
    t: float
    name: str
    status: str
    ms: float

    @property
    def ok(self) -> bool:
        return self.status.isdigit() and 200 <= int(self.status) < 400


def discussion_url() -> str:
    """The comment URL template when the discussion feature exists, else "" (action off)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("discussion:comment", args=[123456789]).replace("123456789", "{case_id}")
    except NoReverseMatch:
        return ""


def run_locust(url: str, users: int, seconds: int, tag: str, discussion_url: str = "",
               mix: dict | None = None) -> tuple[list[Event], list[dict], float]:  # fmt: skip
    """Run one bounded, self-stopping locust run; returns (events, upload receipts, start)."""
    events_file = WORK / f"events-{tag}.csv"
    receipts_file = WORK / f"receipts-{tag}.json"
    events_file.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOAD_USERS_FILE": str(WORK / "users.json"),
        "LOAD_MIX": json.dumps({**(mix or DEFAULT_MIX), "baseline": BASELINE_WEIGHT}),
        "LOAD_DISCUSSION_URL": discussion_url,
        # Letters, not a timestamp: ten digits in a comment look like an identifier to the
        # comment checker (issue 12), which rightly refused every benchmark comment.
        "LOAD_RUN_TAG": f"run-{tag}-{''.join(random.choices(string.ascii_lowercase, k=8))}",
        "LOAD_EVENTS_FILE": str(events_file),
        "LOAD_RECEIPTS_FILE": str(receipts_file),
    }
    started = time.time()
    subprocess.run(
        [str(Path(PY).parent / "locust"), "-f", "benchmarks/locustfile.py", "--headless",
         "-u", str(users), "-r", str(max(1, users // 5)), "--run-time", f"{seconds}s",
         "--host", url, "--stop-timeout", "15", "--only-summary", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(WORK / "locust.log").open("ab"),
        timeout=seconds + 120, check=False,
    )  # fmt: skip
    events = [
        Event(float(t), name, status, float(ms))
        for t, name, status, ms in (
            line.split(",") for line in events_file.read_text().splitlines() if line
        )
    ]
    receipts = json.loads(receipts_file.read_text()) if receipts_file.exists() else []
    return events, receipts, started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def page_table(events: list[Event], since: float, until: float) -> list[dict]:
    """Per page name: requests, req/s, p50/p95/p99 ms, errors, within [since, until)."""
    window = [e for e in events if since <= e.t < until]
    seconds = max(until - since, 1e-9)
    rows = []
    for name in sorted({e.name for e in window}):
        mine = [e for e in window if e.name == name]
        ok = [e.ms for e in mine if e.ok]
        rows.append({
            "page": name, "requests": len(mine), "rps": len(mine) / seconds,
            "p50": percentile(ok, 50), "p95": percentile(ok, 95), "p99": percentile(ok, 99),
            "errors": sum(1 for e in mine if not e.ok),
        })  # fmt: skip
    rows.append({
        "page": "all", "requests": len(window), "rps": len(window) / seconds,
        "p50": percentile([e.ms for e in window if e.ok], 50),
        "p95": percentile([e.ms for e in window if e.ok], 95),
        "p99": percentile([e.ms for e in window if e.ok], 99),
        "errors": sum(1 for e in window if not e.ok),
    })  # fmt: skip
    return rows


def print_table(rows: list[dict]) -> None:
    print("| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['page']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | "
              f"{r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} |")  # fmt: skip
