"""The site shell: the home page (landing for visitors, dashboard for clinicians)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

from cases.access import can_view_cases


class HomePage(Page):
    """Anonymous visitors see what Casebook is; verified clinicians see cases."""

    tagline = models.CharField(
        max_length=200, default="Anonymised clinical cases, shared between verified clinicians."
    )
    landing_text = models.TextField(
        blank=True,
        default=(
            "Post anonymised cases, ask peers for their opinion and learn from each other's "
            "cases. Every member is a verified clinician and every image is anonymised before "
            "it is stored."
        ),
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cases.CaseIndexPage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("tagline"), FieldPanel("landing_text")]

    def get_template(self, request, *args, **kwargs):
        if can_view_cases(request.user):
            return "cms/home_page.html"
        return "cms/landing_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if can_view_cases(request.user):
            from cases.models import CasePage

            live = CasePage.objects.live().select_related("diagnosis", "specialty")
            context["featured_cases"] = live.filter(featured=True).order_by("-first_published_at")[
                :6
            ]
            context["recent_cases"] = live.order_by("-first_published_at", "-pk")[:10]
        return context


@register_setting
class SiteSettings(BaseSiteSetting):
    contact_email = models.EmailField(blank=True, default="")
    footer_text = models.CharField(
        max_length=250,
        blank=True,
        default=(
            "Not for diagnosis of individual patients. "
            "Cases are anonymised and shared under licence."
        ),
    )
