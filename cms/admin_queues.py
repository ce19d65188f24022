"""Editors' work queues in the Wagtail admin (verification, review, quarantine, overdue
outcomes): one way to sort, filter and page them.

Each queue declares its sort orders and filters; ``run_queue`` reads them from the query
string (unknown values fall back to the defaults, never an error) and returns one page of
25 with what the shared controls template needs.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilter:
    name: str
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label); "" is "all"
    lookup: object  # value -> Q or dict of filter kwargs


@dataclass
class Queue:
    page: Page
    sort: str
    sorts: list[tuple[str, str]]
    filters: list[dict] = field(default_factory=list)
    #: the current sort and filters, for pagination links
    query: str = ""


def run_queue(request, queryset, *, sorts: dict, default: str, filters=()) -> Queue:
    """``sorts``: key -> (label, order_by tuple). ``filters``: ``QueueFilter``s."""
    sort = request.GET.get("sort", default)
    sort = sort if sort in sorts else default
    chosen = {}
    shown_filters = []
    for spec in filters:
        value = request.GET.get(spec.name, "")
        value = value if value in {v for v, _label in spec.choices} else ""
        if value:
            condition = spec.lookup(value)
            queryset = (
                queryset.filter(**condition)
                if isinstance(condition, dict)
                else queryset.filter(condition)
            )
            chosen[spec.name] = value
        shown_filters.append(
            {"name": spec.name, "label": spec.label, "choices": spec.choices, "value": value}
        )
    ordered = queryset.order_by(*sorts[sort][1])
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    return Queue(
        page=page,
        sort=sort,
        sorts=[(key, label) for key, (label, _order) in sorts.items()],
        filters=shown_filters,
        query=urlencode({"sort": sort, **chosen}),
    )
