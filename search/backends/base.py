"""The interface every search backend implements; views and the API only see this."""

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

from search.queries import SearchRequest
from search.results import Hit, SearchResults


class SearchBackend(ABC):
    """Search over published case documents (dicts as built by ``search.documents``).

    Failures surface as ``search.client.SearchUnavailable`` (try again later or fall back)
    or ``search.client.SearchError``.
    """

    @abstractmethod
    def search(self, req: SearchRequest) -> SearchResults:
        """One page of hits for ``req``, with the total and facet counts."""

    @abstractmethod
    def autocomplete(self, prefix: str, limit: int = 10) -> list[str]:
        """Distinct condition names matching what the user has typed so far."""

    @abstractmethod
    def related(self, case_id: int, limit: int = 5) -> list[Hit]:
        """Cases similar to ``case_id``, never including it."""

    @abstractmethod
    def index(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add or replace documents; an older ``version`` never replaces a newer one."""

    @abstractmethod
    def delete(self, ids: Iterable[tuple[int, int]]) -> None:
        """Remove cases given as (id, version of the removal)."""

    @abstractmethod
    def rebuild(self, docs: Iterable[dict[str, Any]]) -> None:
        """Replace the whole index with ``docs`` while searches keep working."""
