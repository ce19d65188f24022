"""Gunicorn settings for Casebook: `make serve-production`, docs/deployment.md.

gthread workers: each worker process runs GUNICORN_THREADS threads, so a request waiting on
PostgreSQL, the search engine or S3 (or a slow client sending an upload) does not hold a whole
process; processes (GUNICORN_WORKERS, about 2 per core) give CPU parallelism past the GIL.
Sync workers would need a buffering proxy for every upload and one process per concurrent
request. Gunicorn's access log is off: it writes URL paths and queries, which can be clinical
text; Casebook's own request log line (ops.middleware) replaces it.
"""

import os
import sys

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Uploads of a large study take a while to stream in.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The proxy in front sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "cms.wsgi:application"
# Gunicorn 27's control socket sits at one path per user: several instances on one machine
# would fight over it, and nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Check the configuration and every service once, in the master, before any worker
    starts: a wrong setting gives one line naming it, not a traceback per worker."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
    import django

    from cms.env import SettingError

    try:
        django.setup()
    except SettingError as error:
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.exit(2)
    if os.environ.get("CASEBOOK_SKIP_SERVICE_CHECK") == "1":
        return
    from django.db import connections

    from ops.preflight import problems

    found = problems(float(os.environ.get("CASEBOOK_STARTUP_CHECK_TIMEOUT", "10")))
    connections.close_all()  # never share a connection with the forked workers
    if found:
        sys.stderr.write("Casebook cannot start:\n  " + "\n  ".join(found) + "\n")
        sys.exit(1)
