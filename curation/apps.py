from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Editorial curation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from curation import signal_handlers

        signal_handlers.connect()
