"""What an author typed into the case form and has not saved yet (autosave)."""

from django.conf import settings
from django.db import models


class CaseFormDraft(models.Model):
    """The case form's fields as last sent by the author's browser, one per author and case.

    ``page`` is empty for a case not saved yet. Saving the form deletes the row; opening the
    form again while a row exists offers to restore it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(
        "cases.CasePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "page"), name="case_form_draft_once"),
            models.UniqueConstraint(
                fields=("user",),
                condition=models.Q(page__isnull=True),
                name="case_form_draft_once_new",
            ),
        ]

    def __str__(self):
        return f"unsaved form of {self.user_id} for case {self.page_id or 'new'}"
