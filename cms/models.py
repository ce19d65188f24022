"""The site shell: the home page (landing for visitors, dashboard for clinicians, with the
featured cases editors curate in ``curation``)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

from cases.access import can_view_cases, view_restrictions
from curation.admin_forms import HomePageForm

#: The home page's child page types, as the reverse accessors of their page row.
SECTION_PAGES = ("caseindexpage", "collectionindexpage")


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
    subpage_types = ["cases.CaseIndexPage", "curation.CollectionIndexPage"]
    max_count = 1
    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        FieldPanel("landing_text"),
        InlinePanel(
            "featured_cases",
            heading="Featured cases",
            label="Featured case",
            help_text="Shown to clinicians in this order, each within its optional dates.",
        ),
    ]
    base_form_class = HomePageForm

    def route(self, request, path_components):
        """Find the child section (cases, collections) in one query rather than two."""
        if not path_components:
            return super().route(request, path_components)
        slug, *rest = path_components
        child = Page.objects.child_of(self).filter(slug=slug).select_related(*SECTION_PAGES).first()
        if child is None:
            raise Http404
        for name in SECTION_PAGES:
            try:
                return getattr(child, name).route(request, rest)
            except ObjectDoesNotExist:
                continue
        return child.specific.route(request, rest)

    def get_view_restrictions(self):
        return view_restrictions(self)

    def get_template(self, request, *args, **kwargs):
        if can_view_cases(request.user):
            return "curation/home_page.html"
        return "cms/landing_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if can_view_cases(request.user):
            from curation.home import home_sections

            sections = home_sections(self, request)
            context["home"] = sections
            if sections.specialty is not None:
                context["unanswered_url"] = (
                    f"{reverse('discussion:unanswered')}?specialty={sections.specialty.slug}"
                )
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
