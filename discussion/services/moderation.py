"""Flags from clinicians and the moderators' decisions on them.

A "possible patient identifier" flag hides its item at once; other reasons hide it once
enough distinct clinicians have flagged it (``CASEBOOK_DISCUSSION["HIDE_AFTER_FLAGS"]``).
Hidden means hidden from everyone but moderators, editors and the item's author: in the
thread, in search and in notifications. Every decision is written to Wagtail's audit log.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from cases.models import CasePage
from discussion.models import CaseHold, Comment, Flag, FlagReason, FlagStatus, Proposal
from discussion.models.moderation import MAX_FLAG_TEXT_LENGTH
from discussion.permissions import can_moderate
from discussion.text import clean_post_text

from .comments import wipe_comment
from .common import Conflict, discussion_changed

UNRESOLVED = (FlagStatus.OPEN, FlagStatus.EDIT_REQUESTED)
DISMISSED = "casebook.moderation.dismiss"
REMOVED = "casebook.moderation.remove"
EDIT_REQUESTED = "casebook.moderation.request_edit"


def author_of(target) -> int | None:
    return target.owner_id if isinstance(target, CasePage) else target.author_id


def page_of(target) -> CasePage:
    return target if isinstance(target, CasePage) else target.page


def _flags_on(target):
    kind = ContentType.objects.get_for_model(type(target))
    return Flag.objects.filter(content_type=kind, object_id=target.pk)


@transaction.atomic
def flag(reporter, target, reason: str, text: str = "") -> Flag:
    """Raise a flag on a case, comment or proposal; may hide it (see the module)."""
    if reason not in FlagReason.values:
        raise ValidationError("Choose why you are flagging this.")
    if author_of(target) == reporter.pk:
        raise PermissionDenied("You cannot flag your own post.")
    text = (text or "").strip()
    if reason == FlagReason.OTHER or text:
        text = clean_post_text(text, max_length=MAX_FLAG_TEXT_LENGTH, what="Your explanation")
    try:
        with transaction.atomic():
            raised = Flag.objects.create(
                reporter=reporter,
                content_type=ContentType.objects.get_for_model(type(target)),
                object_id=target.pk,
                page=page_of(target),
                reason=reason,
                text=text,
            )
    except IntegrityError:
        raise Conflict("You have flagged this already; a moderator will look at it.") from None
    open_flags = _flags_on(target).filter(status__in=UNRESOLVED)
    threshold = settings.CASEBOOK_DISCUSSION["HIDE_AFTER_FLAGS"]
    if reason == FlagReason.IDENTIFIER or (
        open_flags.values("reporter").distinct().count() >= threshold
    ):
        _hide(target)
    return raised


def _hide(target) -> None:
    if isinstance(target, CasePage):
        CaseHold.objects.get_or_create(page=target)
    elif target.hidden_at is None:
        type(target).objects.filter(pk=target.pk).update(hidden_at=timezone.now())
    discussion_changed(page_of(target).pk)


def _unhide(target) -> None:
    if isinstance(target, CasePage):
        CaseHold.objects.filter(page=target).delete()
    else:
        type(target).objects.filter(pk=target.pk).update(hidden_at=None)
    discussion_changed(page_of(target).pk)


def _resolve(target, moderator, status: str, note: str, action: str) -> int:
    if not can_moderate(moderator):
        raise PermissionDenied("Only moderators and editors act on flags.")
    resolved = _flags_on(target).filter(status__in=UNRESOLVED)
    if not resolved.exists():
        raise Conflict("Nothing is waiting for a decision on this item.")
    count = resolved.update(
        status=status, resolved_by=moderator, resolved_at=timezone.now(), resolution_note=note
    )
    log(instance=target, action=action, user=moderator, data={"flags": count, "note": note})
    return count


@transaction.atomic
def dismiss_flags(target, moderator, note: str = "") -> int:
    """The flags were wrong: close them and show the item again."""
    count = _resolve(target, moderator, FlagStatus.DISMISSED, note, DISMISSED)
    _unhide(target)
    return count


@transaction.atomic
def remove_flagged(target, moderator, note: str = "") -> int:
    """The flags were right: remove the comment or proposal (placeholder kept), or take the
    case down (unpublished; its author can edit and submit it again)."""
    count = _resolve(target, moderator, FlagStatus.REMOVED, note, REMOVED)
    if isinstance(target, Comment):
        wipe_comment(target, moderator)
    elif isinstance(target, Proposal):
        Proposal.objects.filter(pk=target.pk).update(
            removed_at=timezone.now(), removed_by=moderator, rationale="", rationale_html=""
        )
    else:
        target.unpublish(user=moderator, log_action=True)
        CaseHold.objects.filter(page=target).delete()
    discussion_changed(page_of(target).pk)
    _notify_author(target, moderator, "removed", note)
    return count


@transaction.atomic
def request_edit(target, moderator, message: str) -> int:
    """Ask the author to edit; the item stays hidden until a moderator looks again."""
    message = clean_post_text(message, max_length=MAX_FLAG_TEXT_LENGTH, what="The message")
    count = _resolve(target, moderator, FlagStatus.EDIT_REQUESTED, message, EDIT_REQUESTED)
    _hide(target)
    _notify_author(target, moderator, "edit_requested", message)
    return count


def _notify_author(target, moderator, event: str, message: str) -> None:
    from notifications.services import notify

    author_id = author_of(target)
    if author_id is None:
        return
    notify(
        [author_id],
        event,
        actor_id=moderator.pk,
        page_id=page_of(target).pk,
        comment_id=target.pk if isinstance(target, Comment) else None,
        proposal_id=target.pk if isinstance(target, Proposal) else None,
        message=message,
    )
