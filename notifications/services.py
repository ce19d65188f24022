"""Creating notifications for discussion, review and verification events, and emailing them.

In-app rows are written where the event happens (or by a task fanning out to followers);
emails always go through the task queue. Emails carry no clinical text, not even a case
title: only who did what and a link into Casebook, where access is checked.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, Verification
from accounts.roles import EDITOR, MODERATOR
from notifications.models import (
    EmailFrequency,
    Event,
    Notification,
    NotificationPreference,
    OutcomeReminder,
)
from ops.commit import enqueue_after_commit

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
#: A digest is sent at most this often, however often its periodic task runs.
DIGEST_INTERVAL = timedelta(hours=20)
#: Events about accounts reach users who cannot (yet, or any more) see cases.
ACCOUNT_EVENTS = (Event.VERIFIED, Event.VERIFICATION_REJECTED)
#: Events that Casebook itself tells, not a person.
CASEBOOK_EVENTS = (*ACCOUNT_EVENTS, Event.OUTCOME_REMINDER, Event.SAVED_SEARCH)


def case_readers(user_ids: Iterable[int]):
    """The active users among ``user_ids`` who may see cases (verified, editors, moderators)."""
    may_read = (
        Q(clinician_profile__status=Verification.VERIFIED)
        | Q(is_superuser=True)
        | Q(groups__name__in=(EDITOR, MODERATOR))
    )
    return User.objects.filter(may_read, pk__in=set(user_ids), is_active=True).distinct()


def notify(
    recipient_ids: Iterable[int | None],
    event: str,
    *,
    actor_id: int | None = None,
    page_id: int | None = None,
    comment_id: int | None = None,
    proposal_id: int | None = None,
    message: str = "",
) -> list[Notification]:
    """Notify each recipient once (never the actor); immediate emails follow on commit."""
    wanted = {pk for pk in recipient_ids if pk and pk != actor_id}
    if not wanted:
        return []
    if event in ACCOUNT_EVENTS:
        recipients = list(
            User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)
        )
    else:
        recipients = list(case_readers(wanted).values_list("pk", flat=True))
    rows = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            event=event,
            actor_id=actor_id,
            page_id=page_id,
            comment_id=comment_id,
            proposal_id=proposal_id,
            message=message[:500],
        )
        for pk in recipients
    )
    _email_immediately([row.pk for row in rows if row.pk], recipients)
    return rows


def _email_immediately(notification_ids: list[int], recipient_ids: list[int]) -> None:
    immediate = set(
        NotificationPreference.objects.filter(
            user_id__in=recipient_ids, email=EmailFrequency.IMMEDIATE
        ).values_list("user_id", flat=True)
    )
    if not immediate or not notification_ids:
        return
    from notifications.tasks import send_notification_emails_task

    ids = list(
        Notification.objects.filter(
            pk__in=notification_ids, recipient_id__in=immediate
        ).values_list("pk", flat=True)
    )
    enqueue_after_commit(send_notification_emails_task, ids)


def fan_out(page_id: int, actor_id: int | None, first: dict[int, str], rest: str, **refs) -> int:
    """Notify each follower of the case once: users in ``first`` with their own event (a
    reply, a mention), every other follower with ``rest``. Returns how many were told."""
    from discussion.models import Follow

    followers = set(
        Follow.objects.filter(page_id=page_id, following=True).values_list("user_id", flat=True)
    )
    by_event: dict[str, set[int]] = {}
    for user_id, event in first.items():
        by_event.setdefault(event, set()).add(user_id)
    for user_id in followers - set(first):
        by_event.setdefault(rest, set()).add(user_id)
    told = 0
    for event, user_ids in by_event.items():
        told += len(notify(user_ids, event, actor_id=actor_id, page_id=page_id, **refs))
    return told


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def preference_for(user) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    return preference


def set_email_frequency(user, frequency: str) -> NotificationPreference:
    if frequency not in EmailFrequency.values:
        raise ValueError(f"Unknown email frequency {frequency!r}")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": frequency}
    )
    return preference


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The user a signed unsubscribe link was made for, or None for a bad link."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _email_for(user, notifications: list[Notification], subject: str) -> EmailMessage:
    unsubscribe = _absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))
    for row in notifications:
        row.text = describe(row)
    body = render_to_string(
        "notifications/email.txt",
        {
            "user": user,
            "notifications": notifications,
            "open_url": _absolute(reverse("notifications:list")),
            "preferences_url": _absolute(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe,
        },
    )
    message = EmailMessage(subject, body, to=[user.email])
    message.extra_headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message


def _pending(queryset):
    return (
        queryset.visible()
        .filter(emailed_at__isnull=True, read_at__isnull=True)
        .select_related("recipient", "actor__clinician_profile")
    )


def send_notification_emails(notification_ids: Iterable[int]) -> int:
    """Email each still-unread notification on its own (users who chose "straight away")."""
    rows = list(_pending(Notification.objects.filter(pk__in=list(notification_ids))))
    messages = [
        _email_for(row.recipient, [row], f"Casebook: {describe(row)}")
        for row in rows
        if row.recipient.email
    ]
    _send(messages, rows)
    return len(messages)


def send_daily_digests(now=None) -> int:
    """One email per "daily digest" user with unread, un-emailed notifications."""
    now = now or timezone.now()
    preference = "recipient__notification_preference"
    due = Q(**{f"{preference}__isnull": True}) | Q(
        **{f"{preference}__email": EmailFrequency.DAILY}
    ) & (
        Q(**{f"{preference}__last_digest_at__isnull": True})
        | Q(**{f"{preference}__last_digest_at__lte": now - DIGEST_INTERVAL})
    )
    rows = list(_pending(Notification.objects.filter(due, recipient__is_active=True)))
    by_user: dict[int, list[Notification]] = {}
    for row in rows:
        by_user.setdefault(row.recipient_id, []).append(row)
    messages = []
    for items in by_user.values():
        user = items[0].recipient
        count = len(items)
        subject = f"Casebook: {count} new notification{'s' if count != 1 else ''}"
        if user.email:
            messages.append(_email_for(user, items, subject))
        NotificationPreference.objects.update_or_create(user=user, defaults={"last_digest_at": now})
    _send(messages, rows)
    return len(messages)


def _send(messages: list[EmailMessage], rows: list[Notification]) -> None:
    if not messages:
        return
    with get_connection() as connection:
        connection.send_messages(messages)
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
    logger.info("sent %s notification emails", len(messages))


def describe(row: Notification) -> str:
    """ "Dr Ada replied to your comment", without any clinical text."""
    actor = row.actor
    name = "Someone"
    if actor is not None:
        profile = getattr(actor, "clinician_profile", None)
        name = profile.display_name if profile else "An editor"
    if row.event in CASEBOOK_EVENTS:
        name = "Casebook"
    return f"{name} {row.get_event_display()}"


def send_outcome_reminders(days: int | None = None, now=None) -> int:
    """Remind, once, each author of an opinion case published ``days`` ago or more that still
    has no confirmed diagnosis."""
    from cases.models import CasePage
    from cases.models.choices import CaseMode

    days = days if days is not None else settings.CASEBOOK_DISCUSSION["OUTCOME_REMINDER_DAYS"]
    cutoff = (now or timezone.now()) - timedelta(days=days)
    due = (
        CasePage.objects.live()
        .filter(case_mode=CaseMode.OPINION, first_published_at__lte=cutoff)
        .filter(confirmed_diagnosis__isnull=True)
        .exclude(pk__in=OutcomeReminder.objects.values("page_id"))
        .values_list("pk", "owner_id")
    )
    sent = 0
    for page_id, owner_id in due:
        with transaction.atomic():
            _, created = OutcomeReminder.objects.get_or_create(page_id=page_id)
            if created:
                notify([owner_id], Event.OUTCOME_REMINDER, page_id=page_id)
                sent += 1
    return sent
