"""Pieces of the OpenAPI schema shared by every API view: the error body, the statuses each
operation may answer with, and which URLs the schema covers."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": serializers.CharField(help_text="What went wrong, for people."),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Per request field, what is wrong with it (400 only).",
        ),
    },
)

MEANINGS = {
    400: "Invalid input: a missing or mistyped field, empty or overlong text, a control "
    "character, a page that is not a positive whole number.",
    401: "No credentials, or an invalid or revoked API token.",
    403: "Signed in but not allowed: not (yet) a verified clinician, someone else's post, "
    "your own proposal, a failed CSRF check.",
    404: "No such item, or one you may not see (a draft, a case held by a flag, a hidden post).",
    409: "Valid, but clashes with the current state: a removed comment or proposal, a second "
    "flag on one item, a condition proposed already.",
    415: "The body is not JSON (send `Content-Type: application/json`).",
    429: "Too many of these in a short time (per-user rate limit); try again later.",
    503: "Search is unavailable at the moment.",
}
#: Every operation of an ``ApiView`` may answer these.
ALWAYS = (401, 403)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Responses for ``statuses`` plus ``ALWAYS``, all with the error body."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=MEANINGS[status])
        for status in sorted({*ALWAYS, *statuses})
    }


def only_public_api(endpoints):
    """Preprocessing hook: the schema covers /api/v1/, not Wagtail's own admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
