"""``{% related_cases page as related %}``: similar cases for a case page (used by the
``search/related_cases.html`` include), or none when search fails."""

import logging

from django import template

from search.client import SearchError
from search.results import Hit
from search.site import get_search_backend

logger = logging.getLogger(__name__)
register = template.Library()

RELATED_LIMIT = 5


@register.simple_tag
def related_cases(page) -> list[Hit]:
    """Hits like ``page``; [] when search is down, so the case page still renders."""
    try:
        return get_search_backend().related(page.pk, limit=RELATED_LIMIT)
    except SearchError as error:
        logger.warning("related cases unavailable: %s", type(error).__name__)
        return []
