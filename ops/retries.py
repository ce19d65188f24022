"""Task retries with backoff, and dead letters for tasks that give up.

Wrap a task's function (under ``@task()``) with ``@resilient(...)``. The work signals a
dependency that is away (storage, an engine) by raising ``RetryLater``, and a database that is
away (``OperationalError``, ``InterfaceError``) counts as one: the task is enqueued
again after ``base * 2**(attempt-1)`` seconds (jittered, capped), up to ``max_attempts``; then
``on_give_up(*args)`` settles the work (e.g. fails the upload with a message) and a
``DeadLetter`` records it for editors. Any other exception is recorded as a dead letter and
re-raised, so the queue marks the task failed. Every run binds the request id it was given
(``request_id=``) so its log lines carry the id of the request that enqueued it.

A worker killed mid-task (SIGKILL, OOM) runs no code at all: each task must be safe to run
again, and the periodic ``resume_stalled_uploads`` job re-enqueues what such a worker left.
"""

import functools
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends

from ops import context

logger = logging.getLogger(__name__)
_random = secrets.SystemRandom()


class RetryLater(Exception):
    """The work could not be done now (a dependency is away) and nothing was kept."""


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """The delay before attempt ``attempt + 1``: exponential, capped, +-20 % jitter."""
    return min(base * 2 ** (attempt - 1), cap) * _random.uniform(0.8, 1.2)


def resilient(
    *,
    max_attempts: int = 6,
    base_seconds: float = 15,
    max_seconds: float = 600,
    on_give_up: Callable[..., object] | None = None,
):
    def decorate(func):
        task_path = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def run(*args, attempt: int = 1, request_id: str = ""):
            with context.bound(request_id=request_id, task_name=func.__name__):
                try:
                    return _database_away_is_retry(func, args)
                except RetryLater as exc:
                    reason = type(exc.__cause__ or exc).__name__
                    if attempt >= max_attempts:
                        logger.warning("%s gave up after %s attempts", func.__name__, attempt)
                        if on_give_up is not None:
                            on_give_up(*args)
                        record_dead_letter(task_path, args, attempt, reason, request_id)
                        return None
                    delay = backoff_seconds(attempt, base_seconds, max_seconds)
                    logger.info("%s retries in %.0f s (%s)", func.__name__, delay, reason)
                    enqueue_again(task_path, args, attempt + 1, request_id, delay)
                    return None
                except Exception as exc:
                    record_dead_letter(task_path, args, attempt, type(exc).__name__, request_id)
                    raise

        return run

    return decorate


def _database_away_is_retry(func, args):
    """``func(*args)``, with the database away (restarting, failing over) asking for a retry
    like any other dependency: the work is safe to run again, and failing it would leave an
    upload "processing" until the stalled-upload sweep."""
    from django.db import InterfaceError, OperationalError

    try:
        return func(*args)
    except (OperationalError, InterfaceError) as exc:
        raise RetryLater("the database is away") from exc


def enqueue_again(task_path: str, args, attempt: int, request_id: str, delay: float) -> None:
    task = import_string(task_path)
    if task_backends[task.backend].supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(*args, attempt=attempt, request_id=request_id)


def record_dead_letter(task_path: str, args, attempts: int, error: str, request_id: str) -> None:
    from ops.models import DeadLetter

    try:
        DeadLetter.objects.create(
            task_path=task_path, args=list(args), attempts=attempts, error=error,
            request_id=request_id,
        )  # fmt: skip
    except Exception as exc:  # the database may be what failed: the log line must do
        logger.error("could not record a dead letter for %s: %s", task_path, type(exc).__name__)


def retry_dead_letter(letter, user) -> None:
    """Enqueue the task again from its first attempt and mark the letter retried."""
    task = import_string(letter.task_path)
    task.enqueue(*letter.args, request_id=letter.request_id)
    _resolve(letter, user, "retried")


def dismiss_dead_letter(letter, user) -> None:
    _resolve(letter, user, "dismissed")


def _resolve(letter, user, resolution: str) -> None:
    type(letter).objects.filter(pk=letter.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user, resolution=resolution
    )
