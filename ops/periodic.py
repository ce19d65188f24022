"""Periodic work: a registry that apps add jobs to, and the scheduler that enqueues them.

An app lists its jobs in ``<app>/periodic.py`` (imported at start-up by ``autodiscover``)::

    from ops.periodic import register
    register("replay-search-outbox", replay_search_outbox_task, every=timedelta(minutes=1),
             purpose="Apply index changes the engine missed while it was down.")

A job is a django-tasks task that takes no arguments. ``manage.py run_periodic_jobs`` (one or
more of them, anywhere) enqueues each job when it is due, through the django-tasks API, so it
is scheduled the same way on the database queue and on Redis; the work itself runs on the task
workers. A ``PeriodicRun`` row per job is claimed with one conditional UPDATE, so several
schedulers never enqueue the same run twice. docs/operations.md lists every job; a test keeps
that table and this registry in step.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django_tasks Task without arguments
    every: timedelta
    purpose: str


_jobs: dict[str, PeriodicJob] = {}


def register(name: str, task, *, every: timedelta, purpose: str) -> None:
    """Add a job; registering the same name again replaces it (module reloads in tests)."""
    if every < timedelta(seconds=10):
        raise ValueError(f"periodic job {name}: run at most every 10 seconds")
    _jobs[name] = PeriodicJob(name, task, every, purpose)


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def autodiscover() -> None:
    """Import ``periodic`` from every installed app that has one."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "periodic") and config.name != "ops":
            import_module(f"{config.name}.periodic")


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due and that no other scheduler has claimed; returns their
    names. A job whose enqueue fails (the queue is down) is due again at the next tick."""
    from ops.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        _ensure_row(job.name, now)
        claimed = PeriodicRun.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every, last_enqueued_at=now
        )
        if not claimed:
            continue
        try:
            job.task.enqueue()
        except Exception as exc:
            logger.warning("periodic job %s not enqueued: %s", job.name, type(exc).__name__)
            PeriodicRun.objects.filter(name=job.name).update(next_run_at=now)
            continue
        enqueued.append(job.name)
    return enqueued


def _ensure_row(name: str, now: datetime) -> None:
    from ops.models import PeriodicRun

    if PeriodicRun.objects.filter(name=name).exists():
        return
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(name=name, next_run_at=now)
    except IntegrityError:  # another scheduler created it first
        pass
