"""``GET /api/v1/search/``: the search as JSON, for verified clinicians and editors.

Authentication and access are those of every API view (``api.views.ApiView``): the browser
session or a Wagtail API token; 401 without credentials or with a bad token, 403 for a user
who may not see cases. Responses are documented in docs/search-site.md and in the schema.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from api.schema import errors
from api.views import ApiView
from search.queries import (
    BOOLEAN_FACETS,
    FACET_FIELDS,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    SORTS,
)
from search.querying import run_search
from search.results import SearchResults


class SearchFailed(APIException):
    """A message for people from ``run_search``, with its status (400 or 503)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status_code = status


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    title = serializers.CharField()
    condition = serializers.CharField(allow_null=True)
    specialty = serializers.CharField(allow_null=True)
    highlights = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per field, fragments of safe HTML: escaped text whose only markup is <mark>.",
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_count = serializers.IntegerField()
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))
    notice = serializers.CharField(
        required=False, help_text="Only when the query was shortened to 200 characters."
    )


BOOLEAN_SPELLINGS = ("true", "false", "1", "0")

FACET_PARAMETERS = [
    OpenApiParameter(
        name,
        {
            "type": "array",
            "items": {"type": "string", "enum": list(BOOLEAN_SPELLINGS)}
            if name in BOOLEAN_FACETS
            else {"type": "string"},
        },
        style="form",
        explode=True,
        description="Facet filter, repeatable: values of one facet are OR-ed, facets AND-ed."
        + (" `true` or `false`." if name in ("has_images", "featured") else ""),
    )
    for name in FACET_FIELDS
]


class SearchView(ApiView):
    """Published cases matching a query and filters, with facet counts and highlights."""

    @extend_schema(
        operation_id="search_cases",
        summary="Search published cases",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=f"Free text; longer than {MAX_QUERY_LENGTH} characters is "
                "shortened. Query syntax characters are plain text.",
            ),
            OpenApiParameter(
                "sort",
                {"type": "string", "enum": list(SORTS)},
                description="Default `relevance` (newest when `q` is empty).",
            ),
            OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 999_999_999}),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 999_999_999},
                description=f"Default 20; more than {MAX_PAGE_SIZE} counts as {MAX_PAGE_SIZE}.",
            ),
            *FACET_PARAMETERS,
        ],
        responses={200: SearchResponseSerializer, **errors(400, 503)},
        tags=["search"],
    )
    def get(self, request):
        refuse_off_schema(request.query_params)
        outcome = run_search(request.query_params)
        if outcome.results is None:
            raise SearchFailed(outcome.message, outcome.status)
        body = search_payload(outcome.results)
        if outcome.request and outcome.request.query_truncated:
            body["notice"] = "The query was shortened to 200 characters."
        return Response(body)


search_api = SearchView.as_view()


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
        "chips": [
            {
                "facet": chip.facet,
                "values": list(chip.values),
                "label": chip.label,
                "q": chip.without,
            }
            for chip in results.chips
        ],
        "suggestion": results.suggestion,
        "facets": {
            facet.name: [
                {"value": value.value, "count": value.count, "selected": value.selected}
                for value in facet.values
            ]
            for facet in results.facets
        },
    }


def refuse_off_schema(params) -> None:
    """400 for what the schema rules out but the search page forgives (an empty sort, a
    padded page number): API clients learn of their mistake."""
    for value in params.getlist("sort")[:1]:  # the page, too, reads the first
        if value not in SORTS:
            raise SearchFailed(f"Unknown sort order; use one of: {', '.join(SORTS)}.", 400)
    for name in ("page", "page_size"):
        for value in params.getlist(name)[:1]:
            if not (value.isascii() and value.isdigit()):
                raise SearchFailed(f"{name} must be a whole number from 1 to 999999999.", 400)
