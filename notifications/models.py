"""In-app notifications and each user's email preference."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    REPLY = "reply", "replied to your comment"
    MENTION = "mention", "mentioned you"
    COMMENT = "comment", "commented on a case you follow"
    PROPOSAL = "proposal", "proposed a diagnosis on a case you follow"
    CONFIRMED = "confirmed", "confirmed the diagnosis of a case you follow"
    CASE_APPROVED = "case_approved", "published your case"
    CASE_CHANGES = "case_changes", "asked for changes to your case"
    VERIFIED = "verified", "verified your registration"
    VERIFICATION_REJECTED = "verification_rejected", "could not verify your registration"
    EDIT_REQUESTED = "edit_requested", "asked you to edit your post"
    REMOVED = "removed", "removed your post"
    OUTCOME_REMINDER = "outcome_reminder", "reminds you to add the outcome"
    CASE_FEATURED = "case_featured", "featured your case on the home page"
    CASE_OF_THE_WEEK = "case_of_the_week", "chose your case as a case of the week"
    PEER_REVIEWED = "peer_reviewed", "marked your case peer reviewed"
    COLLECTION_SHARED = "collection_shared", "shared a collection of cases with you"
    SAVED_SEARCH = "saved_search", "found a new case for your saved search"


MODERATION_EVENTS = (Event.EDIT_REQUESTED, Event.REMOVED)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def visible(self):
        """Without those about hidden items: a flagged case, comment or proposal disappears
        from notifications too until a moderator has reviewed it. A moderator's message to
        an author about their own item always shows."""
        about_visible_items = models.Q(
            models.Q(page__isnull=True) | models.Q(page__moderation_hold__isnull=True),
            models.Q(comment__isnull=True) | models.Q(comment__hidden_at__isnull=True),
            models.Q(proposal__isnull=True) | models.Q(proposal__hidden_at__isnull=True),
        )
        return self.filter(about_visible_items | models.Q(event__in=MODERATION_EVENTS))


class Notification(models.Model):
    """Something a user should know about. Holds references, never copied clinical text: the
    list renders titles from the case, so nothing here outlives a removal."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=24, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page = models.ForeignKey(
        "cases.CasePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "discussion.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    proposal = models.ForeignKey(
        "discussion.Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=("recipient", "read_at")),
            models.Index(fields=("recipient", "-created_at")),
        ]

    def __str__(self):
        return f"{self.event} for user {self.recipient_id}"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away"
    DAILY = "daily", "A daily digest"
    NONE = "none", "Never"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    email = models.CharField(
        "email me", max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.DAILY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user_id}: {self.email}"


class OutcomeReminder(models.Model):
    """Sent once per case: its author was reminded to add the outcome."""

    page = models.OneToOneField("cases.CasePage", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"outcome reminder for case {self.page_id}"
