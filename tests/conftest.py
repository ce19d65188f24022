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
