"""The dependency checks behind ``/readyz``: database, search, clinical storage, task queue.

Each check runs on its own thread with a deadline (``CASEBOOK_READINESS_TIMEOUT``), so one
hung dependency cannot hold the answer past it. A check returns nothing when the dependency
answers and raises otherwise; the report keeps only "ok", "down" or "timeout" per check.
Errors are logged by class, never by message (messages name hosts and can quote data).
"""

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

_pools: dict[int, ThreadPoolExecutor] = {}


def _pool() -> ThreadPoolExecutor:
    """This process's pool: gunicorn's master runs the checks before it forks, and a forked
    child inherits the pool object but none of its threads."""
    pid = os.getpid()
    if pid not in _pools:
        _pools[pid] = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")
    return _pools[pid]


def is_connection_error(exc: BaseException | None) -> bool:
    """True for the errors a database that is down or restarting raises."""
    return isinstance(exc, OperationalError | InterfaceError)


def check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # this thread's own connection: never leave it open


def check_search() -> None:
    """The configured engine answers (the database backend is the database: checked there)."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        return
    from search import conf
    from search.client import connect

    connect(url, timeout=conf.timeout()).close()


def check_storage() -> None:
    """The bucket exists and answers (S3: HEAD bucket); a local root exists and is writable."""
    from media_pipeline.storage import clinical_storage

    storage = clinical_storage()
    if hasattr(storage, "bucket_name"):
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        return
    root = Path(storage.location)
    root.mkdir(parents=True, exist_ok=True)
    if not os.access(root, os.W_OK):
        raise PermissionError("clinical storage root is not writable")


def check_task_queue() -> None:
    """Redis answers a PING when tasks go to RQ; the database queue is the database."""
    if not settings.TASKS_REDIS_URL:
        return
    import django_rq

    django_rq.get_connection("default").ping()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "search": check_search,
    "storage": check_storage,
    "task_queue": check_task_queue,
}


def timeout_seconds() -> float:
    return float(getattr(settings, "CASEBOOK_READINESS_TIMEOUT", 2.0))


def run_checks(
    checks: dict[str, Callable[[], None]] | None = None, timeout: float | None = None
) -> dict[str, tuple[str, str]]:
    """Run every check at once: {name: (state, error class)}, state "ok", "down" or
    "timeout". Each check gets the same deadline."""
    checks = CHECKS if checks is None else checks
    deadline = time.monotonic() + (timeout_seconds() if timeout is None else timeout)
    futures = {name: _pool().submit(check) for name, check in checks.items()}
    results = {}
    for name, future in futures.items():
        try:
            future.result(timeout=max(deadline - time.monotonic(), 0))
            results[name] = ("ok", "")
        except FutureTimeout:
            results[name] = ("timeout", "")
            logger.warning("readiness check %s timed out", name)
        except Exception as exc:
            results[name] = ("down", type(exc).__name__)
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
    return results


def check_all(checks: dict[str, Callable[[], None]] | None = None) -> dict:
    """``{"status": "ok"|"unavailable", "checks": {name: {"status": ...}}, "ms": ...}``."""
    started = time.perf_counter()
    results = run_checks(checks)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    ok = all(state == "ok" for state, _ in results.values())
    checks_out = {name: {"status": state} for name, (state, _) in results.items()}
    return {"status": "ok" if ok else "unavailable", "checks": checks_out, "ms": elapsed_ms}
