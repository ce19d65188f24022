from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site"

    def ready(self):
        # Before any URLconf loads (Wagtail's admin imports apps' admin URLs early).
        from django.urls import register_converter

        from cms.converters import IdConverter

        register_converter(IdConverter, "id")
