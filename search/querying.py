"""One search, as the page and the API both run it: validate, ask the backend, fail softly.

Views never branch on the backend: they call ``run_search`` and show what it returns. Failures
are logged with the error class only, never the query text.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from search.client import SearchError, SearchUnavailable
from search.queries import InvalidSearch, SearchRequest
from search.results import SearchResults
from search.site import get_search_backend

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "Search is unavailable at the moment. Please try again in a few minutes."
FAILED_MESSAGE = "Search could not run this query. Please try different words."


@dataclass(frozen=True)
class SearchOutcome:
    """What to show: results, or a message safe for the user with an HTTP status."""

    request: SearchRequest | None
    results: SearchResults | None = None
    message: str = ""
    status: int = 200

    @property
    def past_the_end(self) -> bool:
        """A page after the last one was asked for (there are results, none on this page)."""
        return bool(self.results and self.results.total and not self.results.hits)


def run_search(params: Mapping[str, Any]) -> SearchOutcome:
    """Search for request parameters (see ``SearchRequest.from_params``).

    Status 400 for invalid parameters, 503 when the search service is unavailable or failed;
    an empty query lists the newest cases.
    """
    try:
        req = SearchRequest.from_params(params)
    except InvalidSearch as error:
        return SearchOutcome(None, message=str(error), status=400)
    try:
        results = get_search_backend().search(req)
    except SearchUnavailable as error:
        logger.warning("search unavailable: %s %s", type(error).__name__, error.error_type)
        return SearchOutcome(req, message=UNAVAILABLE_MESSAGE, status=503)
    except SearchError as error:
        logger.error("search failed: %s %s", type(error).__name__, error.error_type)
        return SearchOutcome(req, message=FAILED_MESSAGE, status=503)
    return SearchOutcome(req, results)


def autocomplete(prefix: str, limit: int = 8) -> list[str]:
    """Condition names for what has been typed; [] when search is unavailable."""
    try:
        return get_search_backend().autocomplete(prefix, limit=limit)
    except SearchError as error:
        logger.warning("autocomplete failed: %s", type(error).__name__)
        return []
