"""Production: everything in base.py, plus hard failures on missing secrets, JSON log lines
and hashed, compressed static files (run ``collectstatic`` at deployment; see
docs/deployment.md)."""

from cms.env import env_list, env_required, env_str
from ops.logs import logging_config

from .base import *  # noqa: F403
from .base import LOG_LEVEL, STORAGES

SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    env_required("ALLOWED_HOSTS")

# Hashed names (cached for a year by browsers and proxies) and gzip/Brotli copies, served by
# WhiteNoise from STATIC_ROOT.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

LOGGING = logging_config(LOG_LEVEL, json_lines=env_str("CASEBOOK_LOG_FORMAT", "json") == "json")
