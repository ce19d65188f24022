"""Background tasks that apply search index changes (see ``search.services``).

When a change fails (the engine is down), the replay task is scheduled again for when the
first pending change is due, on task backends that can defer (django-tasks-db can). Several
such chains collapse into one: a replay that finds nothing due schedules nothing.
"""

from django_tasks import task, task_backends

from ops.retries import resilient
from search import alerts, services


@task()
@resilient()
def index_case_task(page_id: int) -> bool:
    """Apply the pending change of case ``page_id``; on failure it stays in the outbox."""
    applied = services.apply_change(page_id)
    if not applied:
        _retry_later()
    return applied


@task()
@resilient()
def replay_search_outbox_task() -> int:
    """Apply every due change in the outbox, batch by batch; returns how many were applied.

    Stops at the first batch that fails (the engine is down: backoff decides the next try).
    """
    total = 0
    while True:
        applied, failing = services.replay_outbox()
        total += applied
        if failing:
            _retry_later()
        if failing or not applied:
            return total


def _retry_later() -> None:
    due = services.next_attempt_at()
    if due is not None and task_backends[replay_search_outbox_task.backend].supports_defer:
        replay_search_outbox_task.using(run_after=due).enqueue()


@task()
@resilient()
def match_saved_searches_task() -> int:
    """Match newly published cases against saved searches (``search.alerts``), in batches;
    returns how many matches were delivered. Several queued runs collapse: a run that finds
    the queue empty does nothing."""
    return alerts.match_pending()
