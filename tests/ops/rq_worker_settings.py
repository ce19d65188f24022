"""Settings for the RQ worker processes that tests/ops/test_redis_queue.py starts: the test
settings, on the test database and the test's storage directories, with tasks on Redis."""

import os

from cms.settings.test import *  # noqa: F403
from cms.settings.test import CASEBOOK_MEDIA, INSTALLED_APPS, STORAGES

TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": os.environ["CASEBOOK_TEST_REDIS_URL"], "DEFAULT_TIMEOUT": 300}}
if "django_rq" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
STORAGES = {
    **STORAGES,
    "clinical": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["CASEBOOK_TEST_CLINICAL_ROOT"], "base_url": None},
    },
}
CASEBOOK_MEDIA = {**CASEBOOK_MEDIA, "SPOOL_DIR": os.environ["CASEBOOK_TEST_SPOOL_DIR"]}
