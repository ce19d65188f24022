"""Model and form fields for the clinical sections' Markdown."""

from django import forms
from django.db import models


class MarkdownFormField(forms.CharField):
    """Browsers send a textarea's line breaks as CRLF. Storing LF keeps unedited text equal to
    what was saved, so an editor approving from the page editor does not make a new revision
    (which, with re-approval on edit, would restart the review)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class MarkdownField(models.TextField):
    """A clinical section in the safe Markdown subset of ``cases.markup``."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MarkdownFormField, **kwargs})
