"""Search backends for the benchmarks: the database index on SQLite and on PostgreSQL, and
Elasticsearch and OpenSearch, each empty and ready to load documents.

Django runs with the test settings on a throwaway SQLite file as ``default`` and, when
``DATABASE_URL`` is set, that PostgreSQL database as ``pg`` (migrated; the benchmark clears
the index tables it uses). Engines come from ``ELASTICSEARCH_URL`` / ``OPENSEARCH_URL`` and
use a throwaway index prefix, deleted afterwards.
"""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENGINES = {"elasticsearch": "ELASTICSEARCH_URL", "opensearch": "OPENSEARCH_URL"}
ALL = ("sqlite", "postgresql", *ENGINES)


def setup_django(sqlite_path: str) -> None:
    """Configure Django once for every backend this machine has."""
    postgres_url = os.environ.get("DATABASE_URL", "")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    import dj_database_url
    import django
    from django.conf import settings

    if postgres_url:
        # Migrated as the default database of its own process: some data migrations write
        # to the default alias whatever database is being migrated.
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"],
            env={**os.environ, "DATABASE_URL": postgres_url},
            check=True,
        )
        # added before any connection is made, so Django fills in its defaults
        settings.DATABASES["pg"] = dj_database_url.parse(postgres_url)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def available() -> list[str]:
    from django.conf import settings

    names = ["sqlite"]
    if "pg" in settings.DATABASES:
        names.append("postgresql")
    return names + [name for name, var in ENGINES.items() if os.environ.get(var)]


@contextmanager
def empty_backend(name: str, analyzer) -> Iterator:
    """An empty backend of kind ``name`` using ``analyzer``."""
    if name in ("sqlite", "postgresql"):
        from search.backends.database import DatabaseBackend

        backend = DatabaseBackend(analyzer=analyzer, using="default" if name == "sqlite" else "pg")
        backend.clear()
        yield backend
        backend.clear()
        return
    from search.backends.engine import EngineBackend
    from search.client import connect

    client = connect(os.environ[ENGINES[name]], timeout=30)
    prefix = f"bench_{secrets.token_hex(3)}_"
    try:
        yield EngineBackend(client, prefix=prefix, analyzer=analyzer)
    finally:
        for index in client.list_indexes(f"{prefix}*"):
            client.delete_index(index)
        client.close()


def label(name: str, backend) -> str:
    client = getattr(backend, "client", None)
    if client is None:
        return "SQLite FTS5" if name == "sqlite" else "PostgreSQL tsvector"
    caps = client.capabilities
    return f"{caps.flavour.capitalize()} {'.'.join(map(str, caps.version))}"


def refresh(backend) -> None:
    client = getattr(backend, "client", None)
    if client is not None:
        client.refresh(backend.alias)
