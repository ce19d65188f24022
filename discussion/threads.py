"""A case's discussion as the page shows it, read in a fixed number of queries.

Comments come in one query (with their authors' profiles), grouped into threads in Python;
proposals in one, with their vote counts and whether the reader voted; the confirmed
diagnosis in one. The count does not grow with the number of comments or votes.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef

from discussion.models import Comment, ConfirmedDiagnosis, Proposal, ProposalVote
from discussion.permissions import can_moderate

AUTHOR_FIELDS = ("author__clinician_profile__specialty",)


@dataclass
class Thread:
    """A top-level comment and its replies. ``comment`` is None when the top-level comment
    is hidden from the reader but has replies they may read (shown as a placeholder)."""

    comment: Comment | None
    replies: list[Comment] = field(default_factory=list)


def _visible(comment: Comment, user, moderator: bool) -> bool:
    return comment.hidden_at is None or moderator or comment.author_id == user.pk


def comment_threads(user, page) -> list[Thread]:
    moderator = can_moderate(user)
    comments = Comment.objects.filter(page_id=page.pk).select_related(*AUTHOR_FIELDS)
    threads: dict[int, Thread] = {}
    replies: list[Comment] = []
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment if _visible(comment, user, moderator) else None)
        else:
            replies.append(comment)
    for reply in replies:
        thread = threads.get(reply.parent_id)
        if thread is not None and _visible(reply, user, moderator):
            thread.replies.append(reply)
    return [t for t in threads.values() if t.comment is not None or t.replies]


def ranked_proposals(user, page) -> list[Proposal]:
    """Proposals the reader may see, most votes first, then the oldest; each with
    ``vote_total`` and ``voted`` (by the reader)."""
    moderator = can_moderate(user)
    mine = ProposalVote.objects.filter(proposal=OuterRef("pk"), voter_id=user.pk)
    proposals = (
        Proposal.objects.filter(page_id=page.pk, removed_at__isnull=True)
        .select_related("condition", *AUTHOR_FIELDS)
        .annotate(vote_total=Count("votes"), voted=Exists(mine))
        .order_by("-vote_total", "created_at", "pk")
    )
    return [p for p in proposals if _visible(p, user, moderator)]


def build_discussion(user, page) -> dict:
    proposals = ranked_proposals(user, page)
    confirmed = (
        ConfirmedDiagnosis.objects.filter(page_id=page.pk).select_related("condition").first()
    )
    threads = comment_threads(user, page)
    return {
        "threads": threads,
        "comment_count": sum(
            (t.comment is not None and not t.comment.is_removed)
            + sum(not r.is_removed for r in t.replies)
            for t in threads
        ),
        "proposals": proposals,
        "confirmed": confirmed,
    }
