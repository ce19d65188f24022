"""What every discussion write shares: the conflict error and the index update on commit."""

from discussion.stats import refresh_activity
from ops.commit import run_after_commit


class Conflict(Exception):
    """The request is valid but clashes with the current state (HTTP 409): a vote on a
    removed proposal, a reply to a removed comment, a second flag on one item."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def discussion_changed(page_id: int) -> None:
    """Recount the case's activity now; reindex it once the change is committed."""
    from search.services import enqueue_index

    refresh_activity(page_id)
    run_after_commit(enqueue_index, page_id)
