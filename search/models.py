"""The search outbox: the index change each case still needs, with its version.

One row per case, kept after the change is applied: its ``version`` is the case's counter of
index changes, so every change (index or removal) carries a number higher than any before it,
and the engine's external versioning keeps an older change from overwriting a newer one.
A row is pending while ``next_attempt_at`` is set. Nothing here holds query or case text.
"""

from django.db import models


class OutboxEntry(models.Model):
    class Action(models.TextChoices):
        INDEX = "index", "Index"  # bring the index in line with the case (removes it if hidden)
        DELETE = "delete", "Delete"

    page_id = models.PositiveBigIntegerField(unique=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    version = models.PositiveBigIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: class name of the last failure (never its message, which can quote clinical text)
    last_error = models.CharField(max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "search outbox entry"
        verbose_name_plural = "search outbox entries"
        indexes = [models.Index(fields=["next_attempt_at"], name="search_outbox_due")]

    def __str__(self):
        state = "pending" if self.is_pending else "done"
        return f"{self.action} case {self.page_id} v{self.version} ({state})"

    @property
    def is_pending(self) -> bool:
        return self.next_attempt_at is not None
