"""Saved searches: list with new matches, save, delete (verified clinicians and editors).

Each user sees and changes only their own saved searches; another user's id is a 404.
Writes are POST with CSRF; bad input re-renders the page with the message and status 400,
storing nothing.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import require_case_access
from search import alerts
from search.documents import indexable_cases
from search.models import SavedSearch, SavedSearchMatch
from search.queries import FACET_FIELDS
from search.site import site_analyzer

RECENT_MATCHES = 50


@require_http_methods(["GET", "POST"])
@require_case_access
def saved_searches(request):
    error = ""
    if request.method == "POST":
        try:
            alerts.save_search(
                request.user,
                name=request.POST.get("name", ""),
                q=request.POST.get("q", ""),
                filters={name: request.POST.getlist(name) for name in _posted_facets(request)},
                notify=request.POST.get("notify") == "on",
                analyzer=site_analyzer(),
            )
        except alerts.InvalidSavedSearch as invalid:
            error = str(invalid)
        else:
            return redirect("search:saved")
    return _render(request, error)


@require_POST
@require_case_access
def delete_saved_search(request, pk: int):
    if not alerts.delete_search(request.user, pk):
        raise Http404("No such saved search.")
    return redirect("search:saved")


def _posted_facets(request) -> list[str]:
    """Facet parameters of the POST; an unknown one is kept so that saving refuses it."""
    skip = {"csrfmiddlewaretoken", "name", "q", "notify"}
    return [name for name in request.POST if name not in skip and request.POST.getlist(name)]


def _render(request, error: str):
    searches = list(SavedSearch.objects.filter(user=request.user))
    rows = [
        {
            "search": search,
            "url": _search_url(search),
            "filters": [(name, values) for name, values in search.filters.items()],
            "problems": alerts.unknown_filter_values(search.filters),
        }
        for search in searches
    ]
    matches = list(
        SavedSearchMatch.objects.filter(user=request.user).select_related("saved_search")[
            :RECENT_MATCHES
        ]
    )
    visible = {
        case.pk: case
        for case in indexable_cases()
        .filter(pk__in=[m.page_id for m in matches])
        .only("id", "title", "path", "depth", "url_path", "locale_id")
    }
    shown = [
        {"match": match, "case": visible[match.page_id], "url": visible[match.page_id].get_url()}
        for match in matches
        if match.page_id in visible
    ]
    response = TemplateResponse(
        request,
        "search/saved_searches.html",
        {"rows": rows, "matches": shown, "error": error, "post": request.POST},
        status=400 if error else 200,
    )
    unseen = [m.pk for m in matches if m.seen_at is None]
    if unseen and not error:
        SavedSearchMatch.objects.filter(pk__in=unseen).update(seen_at=timezone.now())
    return response


def _search_url(search: SavedSearch) -> str:
    from django.http import QueryDict
    from django.urls import reverse

    params = QueryDict(mutable=True)
    if search.query:
        params["q"] = search.query
    for name, values in search.filters.items():
        if name in FACET_FIELDS:
            params.setlist(name, values)
    return f"{reverse('search:search')}?{params.urlencode()}"
