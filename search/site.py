"""The site's search entry point: which backend to use, with which synonyms.

``get_search_backend()`` returns the engine backend when ``settings.ELASTICSEARCH_URL`` is set,
else the database backend (embedded mode). Both plan queries with the same analyzer
(``site_analyzer``: synonyms, their vocabulary for typo correction, specialty names) and the
same synonym table:
the curated medical file plus the synonyms editors give each Condition. That table is cached
per process and dropped when a Condition is saved or deleted here; other processes pick up a
change within ``SYNONYM_CACHE_SECONDS``.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache

from search import conf
from search.backends.base import SearchBackend
from search.client import EngineClient, connect
from search.synonyms import SynonymTable
from search.understanding import QueryAnalyzer

SYNONYM_CACHE_SECONDS = 300

_lock = threading.Lock()
_synonyms: tuple[float, SynonymTable] | None = None
_analyzer: tuple[SynonymTable, QueryAnalyzer] | None = None
_file_synonyms: SynonymTable | None = None
_clients: dict[str, EngineClient] = {}


def get_search_backend() -> SearchBackend:
    """The configured backend. Raises ``search.client.SearchUnavailable`` when the engine is
    configured but cannot be reached (nothing is cached then: the next call tries again)."""
    from search.backends.database import DatabaseBackend
    from search.backends.engine import EngineBackend

    url = settings.ELASTICSEARCH_URL
    if not url:
        return DatabaseBackend(analyzer=site_analyzer())
    return EngineBackend(engine_client(url), analyzer=site_analyzer())


def engine_client(url: str) -> EngineClient:
    """One client per URL per process (its connection pool is reused across requests)."""
    client = _clients.get(url)
    if client is None:
        client = connect(url, timeout=conf.timeout())
        with _lock:
            client = _clients.setdefault(url, client)
    return client


def site_synonyms() -> SynonymTable:
    """The medical synonym file merged with every Condition's name and synonyms."""
    global _synonyms, _file_synonyms
    cached = _synonyms
    if cached is not None and time.monotonic() - cached[0] < SYNONYM_CACHE_SECONDS:
        return cached[1]
    from cases.models import Condition

    with _lock:
        if _file_synonyms is None:
            _file_synonyms = SynonymTable.from_file()
        base = _file_synonyms
    extra = [
        [condition.name, *condition.synonym_list]
        for condition in Condition.objects.exclude(synonyms="").only("name", "synonyms")
    ]
    table = base.with_extra(extra)
    _synonyms = (time.monotonic(), table)
    return table


def site_analyzer() -> QueryAnalyzer:
    """Query planning with the site's synonyms (and so its vocabulary for typo correction)
    and its specialty names (recognised in queries as filters); rebuilt with the synonyms."""
    global _analyzer
    synonyms = site_synonyms()
    cached = _analyzer
    if cached is not None and cached[0] is synonyms:
        return cached[1]
    from cases.models import Condition, Specialty

    analyzer = QueryAnalyzer(
        synonyms,
        Specialty.objects.values_list("name", flat=True),
        Condition.objects.values_list("name", flat=True),
    )
    _analyzer = (synonyms, analyzer)
    return analyzer


def forget_synonyms() -> None:
    """Drop the cached table; the next search rebuilds it from the database."""
    global _synonyms
    _synonyms = None


GENERATION_KEY = "search:index-generation"


def index_generation() -> int:
    """A number that changes whenever a case's indexed state may have changed."""
    return cache.get_or_set(GENERATION_KEY, 0, None)


def bump_index_generation() -> None:
    """Invalidate what was cached from search (related cases) in this cache."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(GENERATION_KEY, 1, None)
