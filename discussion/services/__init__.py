"""Every write of the discussion: views, the API, commands and tasks call these.

Each function is all-or-nothing, checks who may do it, and leaves the case's activity counts,
search document and notifications to follow on commit.
"""

from .comments import add_comment, edit_comment, remove_comment
from .common import Conflict
from .follows import follow, unfollow
from .moderation import dismiss_flags, flag, remove_flagged, request_edit
from .proposals import confirm_diagnosis, map_proposal, propose, unvote, vote

__all__ = [
    "Conflict",
    "add_comment",
    "confirm_diagnosis",
    "dismiss_flags",
    "edit_comment",
    "flag",
    "follow",
    "map_proposal",
    "propose",
    "remove_comment",
    "remove_flagged",
    "request_edit",
    "unfollow",
    "unvote",
    "vote",
]
