"""A case's discussion as the page shows it, read in a fixed number of queries.

Comments come in one query, grouped into threads in Python; proposals in one, with their
vote counts and whether the reader voted; the people who wrote them in one more, shared by
every post (a busy case has hundreds of posts by a few dozen people, and building a profile
per post was most of the page's time); the confirmed diagnosis in one. The count does not
grow with the number of comments or votes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef

from discussion.models import Comment, ConfirmedDiagnosis, Proposal, ProposalVote
from discussion.models.comments import CommentState
from discussion.permissions import can_moderate


@dataclass(slots=True)
class CommentRow(CommentState):
    """What the case page shows of a comment: the page reads hundreds of these per request,
    and a model instance per row (with its init signals) cost more than rendering them."""

    pk: int
    author_id: int | None
    parent_id: int | None
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    removed_at: datetime | None
    hidden_at: datetime | None
    author: object = None

    FIELDS = (
        "pk",
        "author_id",
        "parent_id",
        "body_html",
        "created_at",
        "edited_at",
        "removed_at",
        "hidden_at",
    )


@dataclass
class Thread:
    """A top-level comment and its replies. ``comment`` is None when the top-level comment
    is hidden from the reader but has replies they may read (shown as a placeholder)."""

    comment: Comment | CommentRow | None
    replies: list[Comment | CommentRow] = field(default_factory=list)


def _visible(comment: Comment, user, moderator: bool) -> bool:
    return comment.hidden_at is None or moderator or comment.author_id == user.pk


def attach_authors(posts) -> None:
    """Give every post its author (with profile and specialty) from one query."""
    ids = {post.author_id for post in posts if post.author_id is not None}
    if not ids:
        return
    authors = (
        get_user_model().objects.filter(pk__in=ids).select_related("clinician_profile__specialty")
    )
    by_id = {author.pk: author for author in authors}
    for post in posts:
        if post.author_id is not None:
            post.author = by_id[post.author_id]


def _comments(user, page, *, rows: bool = False) -> list[Thread]:
    """Threads of model instances (the API serialises them), or of ``CommentRow``s."""
    moderator = can_moderate(user)
    comments = Comment.objects.filter(page_id=page.pk)
    if rows:
        comments = (CommentRow(*values) for values in comments.values_list(*CommentRow.FIELDS))
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


def _posts(threads: list[Thread]) -> list[Comment]:
    return [c for t in threads for c in (t.comment, *t.replies) if c is not None]


def comment_threads(user, page) -> list[Thread]:
    threads = _comments(user, page)
    attach_authors(_posts(threads))
    return threads


def _proposals(user, page) -> list[Proposal]:
    """Proposals the reader may see, most votes first, then the oldest; each with
    ``vote_total`` and ``voted`` (by the reader)."""
    moderator = can_moderate(user)
    mine = ProposalVote.objects.filter(proposal=OuterRef("pk"), voter_id=user.pk)
    proposals = (
        Proposal.objects.filter(page_id=page.pk, removed_at__isnull=True)
        .select_related("condition")
        .annotate(vote_total=Count("votes"), voted=Exists(mine))
        .order_by("-vote_total", "created_at", "pk")
    )
    return [p for p in proposals if _visible(p, user, moderator)]


def ranked_proposals(user, page) -> list[Proposal]:
    proposals = _proposals(user, page)
    attach_authors(proposals)
    return proposals


def build_discussion(user, page) -> dict:
    proposals = _proposals(user, page)
    confirmed = (
        ConfirmedDiagnosis.objects.filter(page_id=page.pk).select_related("condition").first()
    )
    threads = _comments(user, page, rows=True)
    attach_authors([*proposals, *_posts(threads)])
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
