"""Log lines: JSON with the request's context, never a path, a query or an error message."""

import json
import logging

import pytest

from ops.logs import (
    CasebookJsonFormatter,
    DjangoRequestScrubber,
    RequestContextFilter,
    logging_config,
)
from tests.factories import make_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Capture the records of a request as the production formatter writes them."""
    config = logging_config("INFO", json_lines=True)
    formatter = CasebookJsonFormatter(fmt=config["formatters"]["casebook"]["fmt"])
    lines: list[dict] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    handler = Collect()
    handler.addFilter(RequestContextFilter())
    handler.addFilter(DjangoRequestScrubber())
    loggers = [logging.getLogger(n) for n in ("casebook.request", "django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield lines
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_a_request_logs_one_line_with_its_context_and_no_path(client, json_lines):
    user = make_clinician()
    client.force_login(user)
    response = client.get("/search/?q=crushing+chest+pain", HTTP_X_REQUEST_ID="proxy-id-12345")
    assert response["X-Request-ID"] == "proxy-id-12345"
    [line] = [line for line in json_lines if line["name"] == "casebook.request"]
    assert line["request_id"] == "proxy-id-12345"
    assert line["user_id"] == user.pk
    assert line["status"] == response.status_code
    assert line["view"] and line["duration_ms"] >= 0
    assert "crushing" not in json.dumps(json_lines)
    assert "/search" not in json.dumps(json_lines)


def test_an_unacceptable_request_id_is_replaced(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert "<" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


def test_django_request_warnings_keep_the_status_only(client, json_lines):
    client.force_login(make_clinician())
    client.get("/cases/no-such-case-crushing-pain/")
    warnings = [line for line in json_lines if line["name"] == "django.request"]
    assert warnings and all(line["message"] == "response 404" for line in warnings)
    assert "crushing" not in json.dumps(json_lines)


def test_an_exception_is_logged_by_class_and_frames_without_its_message():
    formatter = CasebookJsonFormatter(fmt="%(message)s")
    patient = "John" + " Smith"  # built at run time: the source line does not hold it
    try:
        raise ValueError(f"patient {patient}, MRN 1234567")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(formatter.format(record))
    assert line["exc_info"].endswith("builtins.ValueError")
    assert "test_logging.py" in line["exc_info"]
    assert "John" not in json.dumps(line)
