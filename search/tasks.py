"""Background tasks that apply search index changes (see ``search.services``)."""

from django_tasks import task

from search import services


@task()
def index_case_task(page_id: int) -> bool:
    """Apply the pending change of case ``page_id``; on failure it stays in the outbox."""
    return services.apply_change(page_id)


@task()
def replay_search_outbox_task() -> int:
    """Apply every due change in the outbox, batch by batch; returns how many were applied.

    Stops at the first batch that fails (the engine is down: backoff decides the next try).
    """
    total = 0
    while True:
        applied, failing = services.replay_outbox()
        total += applied
        if failing or not applied:
            return total
