"""Structured logs: one JSON object per line in production, with the request context.

What a line may hold is deliberately narrow (DESIGN.md invariant 1): the request id, the user
id, the view name and route pattern, the status and the duration. Never a URL path or query
(a case slug or a search is clinical text), an uploaded file's name, or an exception message
(it may quote input): exceptions are logged as their class and stack frames only.
"""

import logging
import traceback

from pythonjsonlogger.json import JsonFormatter

from ops import context


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and ``task`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get() or "-"
        record.user_id = context.user_id.get()
        record.task = context.task_name.get()
        return True


class DjangoRequestScrubber(logging.Filter):
    """Django logs the path of every 4xx/5xx response ("Not Found: /cases/<slug>/"); keep
    only the status."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None:
            record.msg, record.args = "response %s", (status,)
        record.__dict__.pop("request", None)  # its repr names the path
        return True


def exception_without_message(exc_info) -> str:
    """The traceback's frames and the exception's class, without its message."""
    exc_type, exc, tb = exc_info
    frames = "".join(traceback.format_tb(tb))
    return (
        f"Traceback (most recent call last):\n{frames}{exc_type.__module__}.{exc_type.__qualname__}"
    )


class CasebookJsonFormatter(JsonFormatter):
    def formatException(self, ei) -> str:
        return exception_without_message(ei)


class PlainFormatter(logging.Formatter):
    """The development format, with the request id when there is one."""

    def formatException(self, ei) -> str:
        return exception_without_message(ei)


# Every record's own fields; a record's ``extra`` (view, status, duration_ms) is added to them.
JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(task)s"


def logging_config(level: str, json_lines: bool) -> dict:
    """The LOGGING setting: JSON lines in production, plain lines in development."""
    formatter = (
        {"()": CasebookJsonFormatter, "fmt": JSON_FORMAT}
        if json_lines
        else {
            "()": PlainFormatter,
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s",
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": RequestContextFilter},
            "scrub_django_request": {"()": DjangoRequestScrubber},
        },
        "formatters": {"casebook": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "casebook",
                "filters": ["context"],
            }
        },
        "loggers": {
            "django.request": {"filters": ["scrub_django_request"]},
            "django.server": {"filters": ["scrub_django_request"]},
            # One INFO line per engine request with its URL: noise at this volume.
            "elastic_transport": {"level": "WARNING"},
            "opensearch": {"level": "WARNING"},
        },
        "root": {"handlers": ["console"], "level": level},
    }
