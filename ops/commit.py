"""Follow-up work that runs once a change has committed."""

from django.db import transaction


def run_after_commit(func, *args) -> None:
    """Call ``func(*args)`` once the current transaction commits (at once outside one). An
    error there (the task queue away) is logged, never raised into the request: its change is
    committed and the periodic jobs catch up. A named function, not a ``functools.partial``:
    Django 5.2 logs such an error with the hook's ``__qualname__``, and a partial has none,
    so the logging itself raised and the request answered 500 (found with Redis stopped)."""

    def hook():
        func(*args)

    hook.__qualname__ = getattr(func, "__qualname__", type(func).__name__)
    transaction.on_commit(hook, robust=True)


def enqueue_after_commit(task, *args) -> None:
    """Enqueue ``task`` with ``args`` once the current transaction commits."""
    run_after_commit(task.enqueue, *args)
