from .activity import CaseActivity
from .comments import Comment, CommentVersion
from .follows import Follow
from .moderation import CaseHold, Flag, FlagReason, FlagStatus
from .proposals import ConfirmedDiagnosis, Proposal, ProposalVote

__all__ = [
    "CaseActivity",
    "CaseHold",
    "Comment",
    "CommentVersion",
    "ConfirmedDiagnosis",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "Follow",
    "Proposal",
    "ProposalVote",
]
