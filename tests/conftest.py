"""Shared fixtures, and the rule that a missing service fails CI instead of skipping."""

import os

import pytest

SERVICE_MARKERS = ("postgres", "elasticsearch", "s3", "redis", "browser", "ocr")
REQUIRE_SERVICES = os.environ.get("CASEBOOK_REQUIRE_SERVICES") == "1"


def _database_engine() -> str | None:
    """The engine of this run, or None when Django is not in play (``-p no:django``)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return settings.DATABASES["default"]["ENGINE"]
    except ImproperlyConfigured:
        return None


def pytest_report_header(config):
    return [
        f"casebook: database engine {_database_engine()}",
        f"casebook: services required = {REQUIRE_SERVICES}",
    ]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CASEBOOK_REQUIRE_SERVICES=1, a service test that skips is a failure."""
    outcome = yield
    report = outcome.get_result()
    if not (REQUIRE_SERVICES and report.skipped):
        return
    if any(item.get_closest_marker(name) for name in SERVICE_MARKERS):
        report.outcome = "failed"
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"service test skipped but CASEBOOK_REQUIRE_SERVICES=1: {reason}"


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"casebook: this run used the {_database_engine()} database")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (related cases, synonyms): ids are reused across
    tests whose transactions roll back before any on-commit invalidation could run."""
    from django.core.cache import cache

    cache.clear()


#: Each database's rows from data migrations (roles, the site tree), as Django serialized them
#: when it created the test database.
_SERIALIZED_CONTENTS: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's set-up, then a copy of the serialized rows (``attach_serialized_rows``)."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED_CONTENTS[alias] = contents


def attach_serialized_rows() -> None:
    """Give this context's connection objects the rows Django serialized at set-up.

    ``serialized_rollback`` brings the data-migration rows (roles, the site tree) back after
    the previous test's flush from an attribute of the connection object, and
    ``django.db.connections`` is context-local: once Playwright's sync API runs its event loop
    in this thread, tests get new connection objects without it, Django restores nothing and
    every later transactional test has lost the roles. The browser fixture calls this."""
    from django.db import connections

    for alias, contents in _SERIALIZED_CONTENTS.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
