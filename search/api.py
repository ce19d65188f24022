"""``GET /api/v1/search/``: the search as JSON, for verified clinicians and editors.

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a Wagtail API
token (``wagtail.models.APIToken``: only a digest is stored; editors issue tokens in the
admin). No credentials, or a bad token: 401. Signed in but not allowed to see cases: 403.
Responses are documented in docs/search-site.md.
"""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import APIToken

from cases.access import can_view_cases
from search.querying import run_search
from search.results import SearchResults

TOKEN_LAST_USED_INTERVAL_SECONDS = 60


@require_GET
def search_api(request):
    user, auth_error = _authenticate(request)
    if auth_error:
        response = JsonResponse({"error": auth_error}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="casebook"'
        return response
    if not can_view_cases(user):
        return JsonResponse({"error": "Only verified clinicians may search cases."}, status=403)
    outcome = run_search(request.GET)
    if outcome.results is None:
        return JsonResponse({"error": outcome.message}, status=outcome.status)
    body = search_payload(outcome.results)
    if outcome.request and outcome.request.query_truncated:
        body["notice"] = "The query was shortened to 200 characters."
    return JsonResponse(body)


def search_payload(results: SearchResults) -> dict:
    """The response body for ``results`` (shape documented in docs/search-site.md)."""
    return {
        "total": results.total,
        "page": results.page,
        "page_count": results.page_count,
        "results": [
            {
                "id": hit.id,
                "url": hit.url,
                "title": hit.title,
                "condition": hit.condition,
                "specialty": hit.specialty,
                "highlights": {name: list(fragments) for name, fragments in hit.highlights.items()},
            }
            for hit in results.hits
        ],
        "facets": {
            facet.name: [
                {"value": value.value, "count": value.count, "selected": value.selected}
                for value in facet.values
            ]
            for facet in results.facets
        },
    }


def _authenticate(request):
    """(user, error message): a bearer token wins over the session; a bad token never falls
    back to the session."""
    header = request.headers.get("Authorization", "")
    if not header:
        if request.user.is_authenticated:
            return request.user, ""
        return None, "Authentication required: sign in or send an API token."
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not APIToken.validate_token_format(token):
        return None, "Invalid API token."
    api_token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None, "Invalid API token."
    _touch(api_token)
    return api_token.user, ""


def _touch(api_token: APIToken) -> None:
    now = timezone.now()
    last = api_token.last_used_at
    if last is None or (now - last).total_seconds() >= TOKEN_LAST_USED_INTERVAL_SECONDS:
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
