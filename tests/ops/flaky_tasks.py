"""Tasks for the Redis tests: one asks for a retry on its first attempt and succeeds on the
next; one takes its time."""

import time
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


@task()
def sleepy_task(seconds: float, marker: str, then_flaky: str) -> None:
    """Sleep, then enqueue ``flaky_task(then_flaky)``: a task's own enqueue."""
    time.sleep(seconds)
    Path(marker).write_text("done")
    flaky_task.enqueue(then_flaky)
