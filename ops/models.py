"""Operational records: when each periodic job last ran, and tasks that gave up.

Neither holds clinical text: a dead letter keeps the task's import path, its primitive
arguments (ids) and the class of the last error, never an error message.
"""

from django.conf import settings
from django.db import models


class PeriodicRun(models.Model):
    """One row per periodic job; claiming ``next_run_at`` makes a run happen once however
    many schedulers are running."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M})"


class DeadLetter(models.Model):
    """A task that failed for good: retries used up, or an unexpected error."""

    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    attempts = models.PositiveIntegerField(default=1)
    #: class name of the last error (its message can quote clinical text)
    error = models.CharField(max_length=100)
    request_id = models.CharField(max_length=64, blank=True, default="")
    failed_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(
        max_length=10,
        blank=True,
        default="",
        choices=[("retried", "Retried"), ("dismissed", "Dismissed")],
    )

    class Meta:
        ordering = ["-failed_at", "-pk"]
        indexes = [models.Index(fields=["resolved_at", "-failed_at"], name="ops_deadletter_open")]

    def __str__(self):
        return f"{self.task_name} {self.args} ({self.error})"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]
