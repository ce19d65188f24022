"""Page-numbered lists, shaped like the search API: ``total``, ``page``, ``page_count``,
``results``. A page past the end is empty (not an error); a page or page size that is not a
positive whole number is a 400."""

from collections.abc import Sequence
from math import ceil

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .errors import BadRequest

MAX_PAGE = 999_999_999
MAX_PAGE_SIZE = 100


def _positive(raw: str | None, name: str, default: int, maximum: int) -> int:
    raw = (raw or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        raise BadRequest(f"{name} must be a whole number from 1 to {MAX_PAGE}.")
    return min(int(raw), maximum)


def paginate(request, items: Sequence, *, page_size: int) -> tuple[Sequence, dict]:
    """The requested page of ``items`` (a list or a queryset) and its counts."""
    page = _positive(request.query_params.get("page"), "page", 1, MAX_PAGE)
    size = _positive(request.query_params.get("page_size"), "page_size", page_size, MAX_PAGE_SIZE)
    total = items.count() if hasattr(items, "query") else len(items)
    start = (page - 1) * size
    chunk = items[start : start + size] if start < total else items[:0]
    return chunk, {"total": total, "page": page, "page_count": max(1, ceil(total / size))}


def page_parameters(default_size: int) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            description="Page number, from 1 (default 1). A page past the end is empty.",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            description=f"Items per page (default {default_size}; more than {MAX_PAGE_SIZE} "
            f"counts as {MAX_PAGE_SIZE}).",
        ),
    ]


class PageSerializer(serializers.Serializer):
    """The counts around every list; subclasses add ``results``."""

    total = serializers.IntegerField(help_text="How many items there are in all.")
    page = serializers.IntegerField()
    page_count = serializers.IntegerField(help_text="At least 1, even for an empty list.")
