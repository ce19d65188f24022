"""The editorial review task: editors approve, or request changes with a required message."""

from django import forms
from wagtail.models import AbstractGroupApprovalTask


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label="What should the author change?",
        required=True,
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        help_text="The author sees this message on their case.",
    )


class ClinicalReviewTask(AbstractGroupApprovalTask):
    """Clinical and privacy review. "Request changes" sends the case back to its author."""

    def get_form_for_action(self, action):
        if action == "reject":
            return RequestChangesForm
        return super().get_form_for_action(action)

    @classmethod
    def get_description(cls):
        return "Editors check clinical accuracy and that nothing can identify the patient."

    class Meta:
        verbose_name = "clinical and privacy review"
        verbose_name_plural = "clinical and privacy reviews"
