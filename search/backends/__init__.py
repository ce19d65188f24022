"""Choose the search backend: the engine when ``settings.ELASTICSEARCH_URL`` is set, else the
database fallback (embedded mode). Views never branch on the backend."""

from functools import lru_cache

from search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    """The configured backend. Raises ``search.client.SearchUnavailable`` when the engine is
    configured but unreachable (nothing is cached then, so the next call tries again)."""
    from django.conf import settings

    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if not url:
        from search.backends.database import DatabaseBackend

        return DatabaseBackend()
    return _engine_backend(url)


@lru_cache(maxsize=4)
def _engine_backend(url: str) -> SearchBackend:
    from search import conf
    from search.backends.engine import EngineBackend
    from search.client import connect

    return EngineBackend(connect(url, timeout=conf.timeout()))
