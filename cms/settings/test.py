"""Test settings: fast hashing, in-memory mail, immediate tasks unless a test asks otherwise."""

import tempfile

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
AXES_ENABLED = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="casebook-test-media-")
# Local private storage for every test; the S3 tests switch to the real server themselves,
# so exporting the services' AWS_* variables does not move the whole suite onto S3.
STORAGES["clinical"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": f"{MEDIA_ROOT}/clinical", "base_url": None},
}
# The site searches the database in tests; engine tests build their own clients from
# ELASTICSEARCH_URL / OPENSEARCH_URL and switch the site over explicitly where they need to.
ELASTICSEARCH_URL = ""
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
