"""Flags raised by clinicians, and cases held back from peers while a flag is reviewed."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

MAX_FLAG_TEXT_LENGTH = 1_000


class FlagReason(models.TextChoices):
    IDENTIFIER = "identifier", "Possible patient identifier"
    INAPPROPRIATE = "inappropriate", "Inappropriate"
    MISINFORMATION = "misinformation", "Misinformation"
    OTHER = "other", "Other"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    REMOVED = "removed", "Removed"
    EDIT_REQUESTED = "edit_requested", "Author asked to edit"


class Flag(models.Model):
    """One clinician's flag on a case, a comment or a proposal (one per user per item)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    page = models.ForeignKey(
        "cases.CasePage", on_delete=models.CASCADE, related_name="flags", help_text="The case."
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    text = models.TextField(max_length=MAX_FLAG_TEXT_LENGTH, blank=True, default="")
    status = models.CharField(max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("reporter", "content_type", "object_id"), name="one_flag_per_user_item"
            )
        ]
        indexes = [models.Index(fields=("status", "created_at"))]

    def __str__(self):
        return f"{self.get_reason_display()} flag on {self.content_type.model} {self.object_id}"


class CaseHold(models.Model):
    """A case hidden from everyone but editors, moderators and its author while a flag on it
    is reviewed. Kept apart from the page so that publishing a revision cannot lift it."""

    page = models.OneToOneField(
        "cases.CasePage", on_delete=models.CASCADE, related_name="moderation_hold"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"hold on case {self.page_id}"
