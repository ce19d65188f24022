"""``{% related_cases page as related %}``: similar cases for a case page (used by the
``search/related_cases.html`` include), or none when search fails."""

import logging

from django import template
from django.core.cache import cache

from search.client import SearchError
from search.results import Hit
from search.site import get_search_backend, index_generation

logger = logging.getLogger(__name__)
register = template.Library()

RELATED_LIMIT = 5
# Related cases change only when the index does: every change bumps the generation in the
# key. Another process's cache may lag by at most this long, so it stays short.
RELATED_CACHE_SECONDS = 60


@register.simple_tag
def related_cases(page) -> list[Hit]:
    """Hits like ``page``; [] when search is down, so the case page still renders."""
    key = f"search:related:{index_generation()}:{page.pk}"
    hits = cache.get(key)
    if hits is not None:
        return hits
    try:
        hits = get_search_backend().related(page.pk, limit=RELATED_LIMIT)
    except SearchError as error:
        logger.warning("related cases unavailable: %s", type(error).__name__)
        return []
    cache.set(key, hits, RELATED_CACHE_SECONDS)
    return hits
