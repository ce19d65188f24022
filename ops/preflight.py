"""Start-up checks: every configured service answers, or one clear line names the setting.

Run by ``manage.py check_services`` and by gunicorn's master before it forks workers
(``gunicorn.conf.py``), so a mistyped ``DATABASE_URL``, ``ELASTICSEARCH_URL``, bucket or
``TASKS_REDIS_URL`` stops the start with a message, not a traceback in every worker.
"""

from django.conf import settings

from ops import readiness

# check -> (the setting an operator fixes, what failed)
PROBLEMS = {
    "database": ("DATABASE_URL", "cannot connect to the database"),
    "search": ("ELASTICSEARCH_URL", "the search engine does not answer"),
    "storage": ("AWS_STORAGE_BUCKET_NAME", "the bucket does not exist or cannot be reached"),
    "task_queue": ("TASKS_REDIS_URL", "Redis does not answer"),
}


def _setting_for(check: str) -> str:
    if check == "storage" and not settings.AWS_STORAGE_BUCKET_NAME:
        return "CASEBOOK_MEDIA_ROOT"
    if check == "storage" and settings.AWS_S3_ENDPOINT_URL:
        return "AWS_STORAGE_BUCKET_NAME / AWS_S3_ENDPOINT_URL"
    return PROBLEMS[check][0]


def problems(timeout: float = 5.0) -> list[str]:
    """One line per service that does not answer; empty when all do."""
    lines = []
    for check, (state, error) in readiness.run_checks(timeout=timeout).items():
        if state == "ok":
            continue
        what = PROBLEMS[check][1]
        detail = f"no answer within {timeout:g} s" if state == "timeout" else error
        lines.append(f"{_setting_for(check)}: {what} ({detail})")
    return lines
