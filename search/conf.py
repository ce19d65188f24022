"""Search tunables from the ``CASEBOOK_SEARCH`` settings dict, with defaults.

Read lazily so the engine modules work (and are testable) without Django configured:
when no settings module is set, the defaults apply.
"""

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    "INDEX_PREFIX": "casebook_",
    "TIMEOUT": 2,
    "PAGE_SIZE": 20,
}


def search_settings() -> dict[str, Any]:
    """Return ``DEFAULTS`` overlaid with ``settings.CASEBOOK_SEARCH`` when Django is configured."""
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return dict(DEFAULTS)
    return {**DEFAULTS, **getattr(settings, "CASEBOOK_SEARCH", {})}


def index_prefix() -> str:
    return str(search_settings()["INDEX_PREFIX"])


def timeout() -> float:
    """Seconds a single engine request may take before it counts as unavailable."""
    return float(search_settings()["TIMEOUT"])


def page_size() -> int:
    return int(search_settings()["PAGE_SIZE"])
