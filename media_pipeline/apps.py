from django.apps import AppConfig


class MediaPipelineConfig(AppConfig):
    name = "media_pipeline"
    verbose_name = "Media pipeline"

    def ready(self):
        from wagtail.signals import page_published

        from cases.models import CasePage
        from media_pipeline import signal_handlers

        page_published.connect(
            signal_handlers.case_published,
            sender=CasePage,
            dispatch_uid="media_pipeline.case_published",
        )
