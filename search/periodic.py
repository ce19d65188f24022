"""Periodic jobs of search (see ops.periodic and docs/operations.md)."""

from datetime import timedelta

from ops.periodic import register
from search.tasks import match_saved_searches_task, replay_search_outbox_task

register(
    "replay-search-outbox",
    replay_search_outbox_task,
    every=timedelta(minutes=1),
    purpose="Apply index changes that are due in the outbox (the engine was down or slow); "
    "each failing change waits with its own exponential backoff.",
)
register(
    "match-saved-searches",
    match_saved_searches_task,
    every=timedelta(minutes=5),
    purpose="Match cases still queued for saved-search alerts (a worker stopped mid-batch, "
    "or the enqueue on publish failed); publishing enqueues the matching itself.",
)
