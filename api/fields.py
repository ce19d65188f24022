"""Request fields that take only their own JSON type: ``"12"`` is not an id, ``12`` is not
text. DRF's defaults coerce both, which hides client bugs."""

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from cms.converters import MAX_ID


class Text(serializers.CharField):
    """A JSON string of at most ``max_length`` characters as sent, otherwise passed on as
    sent: the services trim it and refuse blank text and control characters, with the same
    messages the web pages show."""

    default_error_messages = {
        "invalid": "Must be text (a JSON string).",
        "blank": "Must not be empty.",
        "max_length": "Longer than {max_length:,} characters; shorten it.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        # The services refuse NUL like any control character, naming it; DRF's check (and
        # its vaguer message) would answer first. Its check of lone surrogates stays.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class Id(serializers.IntegerField):
    """A positive JSON integer that fits the database."""

    default_error_messages = {"invalid": "Must be a whole number (a JSON integer)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Choice(serializers.ChoiceField):
    """One of fixed strings; anything else (another type included) is refused by name."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)
