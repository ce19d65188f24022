"""A task for the Redis tests: asks for a retry on its first attempt, succeeds on the next."""

from pathlib import Path

from django_tasks import task

from ops.retries import RetryLater, resilient


@task()
@resilient(base_seconds=1, max_seconds=2, max_attempts=3)
def flaky_task(marker: str) -> str:
    path = Path(marker)
    if not path.exists():
        path.write_text("first attempt")
        raise RetryLater("not yet")
    path.write_text("done")
    return "done"
