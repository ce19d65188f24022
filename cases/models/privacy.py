"""The author's word that a finding of the text check is not an identifier."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdentifierConfirmation(models.Model):
    """ "Not an identifier" for one (kind, text) anywhere in a case, e.g. a date that is a
    drug's licence year. Editors see every confirmation in the review; the text is what the
    case already says, never more."""

    page = models.ForeignKey(
        "cases.CasePage", on_delete=models.CASCADE, related_name="identifier_confirmations"
    )
    kind = models.CharField(max_length=32)
    text = models.CharField(max_length=200)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("confirmed_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("page", "kind", "text"), name="identifier_confirmed_once_per_case"
            )
        ]

    def __str__(self):
        return f"{self.kind} “{self.text}” confirmed in case {self.page_id}"
