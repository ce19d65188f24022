"""Forms of the discussion pages. Text rules (length, control characters) live in the
services, so the web pages and the API refuse the same input with the same message."""

from django import forms

from cases.models.choices import Certainty
from discussion.models import FlagReason
from discussion.models.comments import MAX_BODY_LENGTH
from discussion.models.moderation import MAX_FLAG_TEXT_LENGTH
from discussion.models.proposals import MAX_FREE_TEXT_LENGTH, MAX_RATIONALE_LENGTH

MARKDOWN_HINT = (
    "Markdown: **bold**, *italic*, - lists, > quotes. Mention a colleague with @username or "
    "@[Display name]. Never anything that could identify the patient."
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_BODY_LENGTH}),
        help_text=MARKDOWN_HINT,
        strip=False,
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProposalForm(forms.Form):
    diagnosis = forms.CharField(
        label="Proposed diagnosis",
        max_length=MAX_FREE_TEXT_LENGTH,
        required=False,
        help_text="Start typing a condition or a synonym (e.g. MI); any other text is kept "
        "as written and an editor can map it later.",
        widget=forms.TextInput(
            attrs={"list": "condition-options", "autocomplete": "off", "data-conditions": ""}
        ),
    )
    rationale = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_RATIONALE_LENGTH}),
        help_text="A sentence or two: the findings that point to it.",
        strip=False,
        required=False,
    )


class ConfirmForm(forms.Form):
    diagnosis = forms.CharField(
        label="Confirmed diagnosis",
        max_length=MAX_FREE_TEXT_LENGTH,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "condition-options", "autocomplete": "off", "data-conditions": ""}
        ),
    )
    certainty = forms.ChoiceField(choices=Certainty.choices, label="How certain is it?")


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        choices=FlagReason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    text = forms.CharField(
        label="Tell the moderators more",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_FLAG_TEXT_LENGTH}),
        required=False,
        help_text="Required for “Other”. Do not repeat the identifier you found.",
    )
