"""Comments: post, reply, edit (history kept), remove (placeholder kept)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from discussion.models import Comment, CommentVersion
from discussion.models.comments import MAX_BODY_LENGTH
from discussion.permissions import can_moderate
from discussion.text import clean_post_text, find_mentions, render_post, require_no_identifiers
from ops.commit import enqueue_after_commit

from .common import Conflict, discussion_changed
from .follows import follow_on_taking_part


@transaction.atomic
def add_comment(
    page, author, body: str, parent: Comment | None = None, not_identifiers: Iterable[str] = ()
) -> Comment:
    """A comment on live ``page`` (checked by the caller), or a reply to ``parent``.

    Replies are one level deep: a reply to a reply joins its thread. Raises ValidationError
    for empty, overlong or control-character text, ``PossibleIdentifiers`` (a ValidationError)
    for a likely identifier not among ``not_identifiers`` (``kind:text`` keys the author
    confirmed); Conflict for a reply to a removed or hidden comment or one on another case.
    """
    body = clean_post_text(body, max_length=MAX_BODY_LENGTH)
    mentions = find_mentions(body)
    _check(body, not_identifiers, mentions)
    if parent is not None:
        if parent.page_id != page.pk:
            raise Conflict("That comment belongs to another case.")
        if parent.parent_id is not None:
            parent = parent.parent
        if parent.is_removed or parent.is_hidden:
            raise Conflict("That comment was removed, so it cannot be answered.")
    comment = Comment.objects.create(
        page=page, author=author, parent=parent, body=body, body_html=render_post(body, mentions)
    )
    comment.mentions.set({m.user for m in mentions})
    follow_on_taking_part(author, page)
    follow_on_taking_part(page.owner, page)
    discussion_changed(page.pk)
    from notifications.tasks import notify_comment_task

    enqueue_after_commit(notify_comment_task, comment.pk, [m.user.pk for m in mentions])
    return comment


@transaction.atomic
def edit_comment(comment: Comment, user, body: str, not_identifiers: Iterable[str] = ()) -> Comment:
    """Replace the text; the earlier text is kept as a version and the comment shows
    "edited". Only the author edits. Newly mentioned users are notified. The new text is
    checked for identifiers as a new comment is."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != user.pk:
        raise PermissionDenied("Only its author can edit a comment.")
    if comment.is_removed:
        raise Conflict("That comment was removed, so it cannot be edited.")
    body = clean_post_text(body, max_length=MAX_BODY_LENGTH)
    if body == comment.body:
        return comment
    mentions = find_mentions(body)
    _check(body, not_identifiers, mentions)
    CommentVersion.objects.create(
        comment=comment, body=comment.body, written_at=comment.edited_at or comment.created_at
    )
    before = set(comment.mentions.values_list("pk", flat=True))
    comment.body = body
    comment.body_html = render_post(body, mentions)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    comment.mentions.set({m.user for m in mentions})
    new = [m.user.pk for m in mentions if m.user.pk not in before]
    if new:
        from notifications.tasks import notify_mentions_task

        enqueue_after_commit(notify_mentions_task, comment.pk, new)
    return comment


def _check(body: str, not_identifiers: Iterable[str], mentions) -> None:
    require_no_identifiers({"body": body}, {"body": "Your comment"}, not_identifiers, mentions)


@transaction.atomic
def remove_comment(comment: Comment, user) -> Comment:
    """Remove a comment: its author or a moderator. The row stays as a placeholder so that
    the thread reads on; its text, earlier versions and mentions are deleted (a post is
    often removed because it said too much)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != user.pk and not can_moderate(user):
        raise PermissionDenied("Only its author or a moderator can remove a comment.")
    if comment.is_removed:
        return comment
    wipe_comment(comment, user)
    discussion_changed(comment.page_id)
    return comment


def wipe_comment(comment: Comment, user) -> None:
    comment.body = ""
    comment.body_html = ""
    comment.removed_at = timezone.now()
    comment.removed_by = user
    comment.save(update_fields=["body", "body_html", "removed_at", "removed_by"])
    comment.versions.all().delete()
    comment.mentions.clear()
