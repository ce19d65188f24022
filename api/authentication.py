"""Who is calling the API: a Wagtail API token, or the browser session.

``Authorization: Bearer <token>`` with a ``wagtail.models.APIToken`` (only a digest is stored;
editors issue tokens in the admin). A presented token always wins: a bad or revoked one is a
401 even with a signed-in session, so a script never acts as whoever happens to be signed in.
Without the header, DRF's ``SessionAuthentication`` takes over (with CSRF on unsafe methods).
"""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from wagtail.models import APIToken

#: ``last_used_at`` is written at most this often per token, not on every request.
TOKEN_LAST_USED_INTERVAL_SECONDS = 60
INVALID_TOKEN = "Invalid API token."  # noqa: S105 - a message, not a secret
REALM = 'Bearer realm="casebook"'


class APITokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <Wagtail API token>``; no header means "not me"."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not APIToken.validate_token_format(token):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        api_token = (
            APIToken.objects.select_related("user")
            .filter(key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        _touch(api_token)
        return api_token.user, api_token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return REALM


def _touch(api_token: APIToken) -> None:
    now = timezone.now()
    last = api_token.last_used_at
    if last is None or (now - last).total_seconds() >= TOKEN_LAST_USED_INTERVAL_SECONDS:
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)


class APITokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema as an HTTP bearer scheme."""

    target_class = APITokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A Wagtail API token (issued in the admin under Settings → API "
            "tokens): `Authorization: Bearer wagtail_…`.",
        }
