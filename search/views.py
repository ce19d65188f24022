"""The search page and its autocomplete endpoint (verified clinicians and editors only)."""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from cases.access import require_case_access
from search.presentation import labelled_facets
from search.queries import SORTS
from search.querying import autocomplete, run_search
from search.results import Hit

SORT_LABELS = {"relevance": "Relevance", "newest": "Newest", "discussed": "Most discussed"}
SNIPPET_FIELDS = (
    ("summary", "Summary"),
    ("history", "History"),
    ("findings", "Findings"),
    ("discussion", "Discussion"),
)


@require_GET
@require_case_access
def search_page(request):
    outcome = run_search(request.GET)
    results = outcome.results
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "outcome": outcome,
        "chips": [
            {"label": chip.label, "url": _with_query(request.GET, chip.without)}
            for chip in (results.chips if results else ())
        ],
        "suggestion_url": _with_query(request.GET, results.suggestion)
        if results and results.suggestion
        else "",
        "q": outcome.request.q if outcome.request else request.GET.get("q", "")[:200],
        "sort": outcome.request.sort if outcome.request else "relevance",
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "results": results,
        "hits": [_hit_row(hit) for hit in results.hits] if results else [],
        "facets": labelled_facets(results.facets) if results else [],
        "page_query": params.urlencode(),
    }
    return TemplateResponse(request, "search/search_page.html", context, status=outcome.status)


def _with_query(params, q: str) -> str:
    """``?``-query string of ``params`` with ``q`` replaced and the page reset."""
    changed = params.copy()
    changed["q"] = q
    changed.pop("page", None)
    return "?" + changed.urlencode()


def _hit_row(hit: Hit) -> dict:
    """A hit with its highlighted title and up to two highlighted snippets (safe HTML, see
    ``search.results``)."""
    snippets = [
        (label, hit.highlights[name][0])
        for name, label in SNIPPET_FIELDS
        if hit.highlights.get(name)
    ]
    title = hit.highlights.get("title", ())
    return {"hit": hit, "title_html": title[0] if title else "", "snippets": snippets[:2]}


@require_GET
@require_case_access
def autocomplete_view(request):
    """{"suggestions": [condition names]} for ``?q=``; empty when search is unavailable."""
    return JsonResponse({"suggestions": autocomplete(request.GET.get("q", ""))})
