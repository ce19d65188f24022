"""Quiz attempts: each user's guesses on a collection, private to that user."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class QuizAttempt(models.Model):
    """One walk through a collection. Starting again makes a new attempt."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    collection = models.ForeignKey(
        "curation.CollectionPage", on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-started_at", "-pk")
        indexes = [models.Index(fields=("user", "collection", "-started_at"))]

    def __str__(self):
        return f"quiz attempt {self.pk} of user {self.user_id}"


class QuizAnswer(models.Model):
    """The guess recorded for one case before its reveal; one per case per attempt."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    case = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="+")
    guess = models.ForeignKey(
        "cases.Condition", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    correct = models.BooleanField()
    revealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("attempt", "case"), name="quiz_answer_once_per_case")
        ]

    def __str__(self):
        return f"answer on case {self.case_id} in attempt {self.attempt_id}"
