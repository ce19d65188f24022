"""Production: everything in base.py, plus hard failures on missing secrets."""

from cms.env import env_list, env_required

from .base import *  # noqa: F403

SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    env_required("ALLOWED_HOSTS")
