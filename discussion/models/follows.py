"""Who follows which case. An explicit unfollow is kept, so taking part again does not
silently re-subscribe someone who opted out."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    page = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="follows")
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the user last opened the case (for 'new activity')."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "page"), name="follow_once_per_case")
        ]

    def __str__(self):
        state = "follows" if self.following else "unfollowed"
        return f"user {self.user_id} {state} case {self.page_id}"
