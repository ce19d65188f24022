from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Casebook in production: health and readiness, structured logs with request
    ids, start-up checks, task retries and dead letters, and the periodic-jobs registry."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from ops import checks, periodic  # noqa: F401 - registers the system checks

        periodic.autodiscover()
