"""Case pages: the index that lists cases and the structured case itself."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cases.access import VerifiedOnlyPageMixin, can_view_cases
from cases.fields import MarkdownField
from cases.markup import EXTRA_CONTENT_FEATURES, plain_text, render_markdown
from cases.panels import IdentifierCheckPanel
from media_pipeline.panels import CaseMediaPanel

from .choices import AgeBand, CaseMode, Certainty, Licence, Sex

MARKDOWN_HELP = "Markdown: blank line between paragraphs, **bold**, *italic*, - lists."

# The clinical sections in the order every case renders them: (field, heading).
CLINICAL_SECTIONS = (
    ("history", "Presentation and clinical history"),
    ("examination", "Examination and investigations"),
    ("imaging_findings", "Imaging findings"),
    ("management_outcome", "Management and outcome"),
    ("learning_points", "Learning points"),
    ("discussion_references", "Discussion and references"),
)


class CaseIndexPage(VerifiedOnlyPageMixin, Page):
    """Lists published cases, newest first."""

    intro = models.CharField(max_length=250, blank=True, default="")

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cases.CasePage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def route(self, request, path_components):
        """Find a case by slug in one query, with what every case page shows."""
        if not path_components:
            return super().route(request, path_components)
        slug, *rest = path_components
        case = (
            CasePage.objects.child_of(self)
            .select_related("diagnosis", "specialty", "moderation_hold", "peer_review")
            .filter(slug=slug)
            .first()
        )
        if case is None:
            raise Http404
        return case.route(request, rest)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = (
            CasePage.objects.live()
            .descendant_of(self)
            .select_related("diagnosis", "specialty")
            .order_by("-first_published_at", "-pk")
        )
        paginator = Paginator(cases, settings.CASEBOOK_CASES["PAGE_SIZE"])
        context["cases"] = paginator.get_page(request.GET.get("page"))
        return context


class CaseTag(TaggedItemBase):
    content_object = ParentalKey(
        "cases.CasePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CasePage(VerifiedOnlyPageMixin, Page):
    """One anonymised clinical case with typed clinical sections."""

    summary = models.CharField("one-line summary", max_length=250)
    history = MarkdownField("presentation and clinical history", help_text=MARKDOWN_HELP)
    examination = MarkdownField("examination and investigations", help_text=MARKDOWN_HELP)
    imaging_findings = MarkdownField(blank=True, default="", help_text=MARKDOWN_HELP)
    diagnosis = models.ForeignKey(
        "cases.Condition", on_delete=models.PROTECT, related_name="diagnosed_cases"
    )
    certainty = models.CharField("diagnostic certainty", max_length=20, choices=Certainty.choices)
    management_outcome = MarkdownField("management and outcome", help_text=MARKDOWN_HELP)
    learning_points = MarkdownField(help_text=MARKDOWN_HELP)
    discussion_references = MarkdownField(
        "discussion and references", blank=True, default="", help_text=MARKDOWN_HELP
    )
    specialty = models.ForeignKey("cases.Specialty", on_delete=models.PROTECT, related_name="cases")
    body_systems = ParentalManyToManyField("cases.BodySystem", related_name="cases")
    age_band = models.CharField("patient age band", max_length=8, choices=AgeBand.choices)
    sex = models.CharField(max_length=12, choices=Sex.choices)
    tags = ClusterTaggableManager(through=CaseTag, blank=True)
    case_mode = models.CharField(max_length=10, choices=CaseMode.choices)
    licence = models.CharField(
        max_length=24, choices=Licence.choices, default=Licence.CC_BY_NC_SA_4
    )
    featured = models.BooleanField(
        default=False,
        editable=False,
        help_text=(
            "On the home page's featured list (kept by curation when the home page is "
            "published; not part of the case's revisions)."
        ),
    )
    extra = StreamField(
        [
            ("paragraph", blocks.RichTextBlock(features=EXTRA_CONTENT_FEATURES)),
            ("heading", blocks.CharBlock(max_length=120)),
        ],
        blank=True,
        use_json_field=True,
        help_text="Free extra content. Never patient images: those go through case media.",
    )
    external_id = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_index=True,
        editable=False,
        help_text="Identifier from an import, so that importing again updates, not duplicates.",
    )

    parent_page_types = ["cases.CaseIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        IdentifierCheckPanel(heading="Privacy check of the text"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel(name) for name, _ in CLINICAL_SECTIONS], heading="Clinical sections"
        ),
        MultiFieldPanel(
            [FieldPanel("diagnosis"), FieldPanel("certainty"), InlinePanel("differentials")],
            heading="Diagnosis",
        ),
        MultiFieldPanel(
            [
                FieldPanel("specialty"),
                FieldPanel("body_systems"),
                FieldPanel("age_band"),
                FieldPanel("sex"),
                FieldPanel("tags"),
                FieldPanel("case_mode"),
                FieldPanel("licence"),
            ],
            heading="Classification",
        ),
        CaseMediaPanel(heading="Images"),
        FieldPanel("extra"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("history"),
        index.SearchField("examination"),
        index.SearchField("imaging_findings"),
        index.SearchField("learning_points"),
        index.SearchField("discussion_references"),
        index.RelatedFields(
            "diagnosis", [index.SearchField("name"), index.SearchField("synonyms")]
        ),
        index.FilterField("specialty"),
        index.FilterField("certainty"),
        index.FilterField("age_band"),
        index.FilterField("sex"),
        index.FilterField("case_mode"),
        index.FilterField("featured"),
    ]

    class Meta:
        verbose_name = "case"

    def with_content_json(self, content):
        """Publishing a revision keeps the editors' featuring, which revisions do not own."""
        page = super().with_content_json(content)
        page.featured = self.featured
        return page

    def clinical_sections(self):
        """(anchor, heading, safe HTML) for each non-empty section, in the fixed order."""
        return [
            (name.replace("_", "-"), heading, render_markdown(getattr(self, name)))
            for name, heading in CLINICAL_SECTIONS
            if getattr(self, name).strip()
        ]

    def plain(self, field: str) -> str:
        return plain_text(getattr(self, field))

    def serve(self, request, *args, **kwargs):
        """A case held back by a flag is a 404 for everyone but moderators and its author."""
        from discussion.permissions import can_see_case

        if can_view_cases(request.user) and not can_see_case(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["differentials"] = self.differentials.select_related("condition")
        return context


class CaseDifferential(Orderable):
    """A differential diagnosis: a condition from the taxonomy, or free text."""

    page = ParentalKey(CasePage, on_delete=models.CASCADE, related_name="differentials")
    condition = models.ForeignKey(
        "cases.Condition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    free_text = models.CharField(max_length=200, blank=True, default="")

    panels = [FieldPanel("condition"), FieldPanel("free_text")]

    def __str__(self):
        return self.condition.name if self.condition_id else self.free_text
