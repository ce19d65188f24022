"""Editorial quality signals stored apart from the case's revisions: marking a case peer
reviewed must not need (or be undone by) publishing a new revision."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PeerReview(models.Model):
    """An editor's record that a named reviewer checked the case, and when."""

    page = models.OneToOneField(
        "cases.CasePage", on_delete=models.CASCADE, related_name="peer_review"
    )
    reviewer_name = models.CharField(
        "reviewer's display name", max_length=120, help_text="As peers should see it."
    )
    reviewed_on = models.DateField("reviewed on")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"peer review of case {self.page_id} by {self.reviewer_name}"
