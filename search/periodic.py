"""Periodic jobs of search (see ops.periodic and docs/operations.md)."""

from datetime import timedelta

from ops.periodic import register
from search.tasks import replay_search_outbox_task

register(
    "replay-search-outbox",
    replay_search_outbox_task,
    every=timedelta(minutes=1),
    purpose="Apply index changes that are due in the outbox (the engine was down or slow); "
    "each failing change waits with its own exponential backoff.",
)
