"""Editors' collections: ordered cases with an introduction and per-case notes, published
as pages for every verified clinician, optionally walked through as a quiz."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page

from cases.access import VerifiedOnlyPageMixin
from cases.fields import MarkdownField
from cases.markup import render_markdown
from cases.models.pages import MARKDOWN_HELP
from curation.admin_forms import CollectionPageForm
from curation.panels import HiddenCasesPanel

from .featured import publicly_listed_problem

MAX_NOTE_LENGTH = 1_000


class CollectionIndexPage(VerifiedOnlyPageMixin, Page):
    """/collections/: every published editors' collection."""

    intro = models.CharField(max_length=250, blank=True, default="")

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["curation.CollectionPage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def route(self, request, path_components):
        """Find a collection by slug in one query."""
        if not path_components:
            return super().route(request, path_components)
        slug, *rest = path_components
        collection = CollectionPage.objects.child_of(self).filter(slug=slug).first()
        if collection is None:
            raise Http404
        return collection.route(request, rest)

    def get_context(self, request, *args, **kwargs):
        from curation.collections import collection_cards

        context = super().get_context(request, *args, **kwargs)
        collections = CollectionPage.objects.live().child_of(self).order_by("title")
        context["collections"] = collection_cards(collections)
        return context


class CollectionPage(VerifiedOnlyPageMixin, RoutablePageMixin, Page):
    """An ordered set of cases. Readers see only the cases they may see; the quiz shows each
    case as an unknown (``curation.quiz``)."""

    intro = MarkdownField("introduction", help_text=MARKDOWN_HELP)
    specialty = models.ForeignKey(
        "cases.Specialty",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collections",
        help_text="Optional: the collection is listed on this specialty's page.",
    )
    quiz = models.BooleanField(
        "use as a quiz",
        default=False,
        help_text="Readers are offered the quiz, and the list hides each case's diagnosis.",
    )
    cover_image = models.ForeignKey(
        "media_pipeline.MediaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An anonymised image of one of the collection's cases (save the cases first).",
    )

    parent_page_types = ["curation.CollectionIndexPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("specialty"), FieldPanel("quiz"), FieldPanel("cover_image")],
            heading="Listing and quiz",
        ),
        HiddenCasesPanel(heading="Cases readers no longer see"),
        InlinePanel("items", heading="Cases", label="Case"),
    ]

    base_form_class = CollectionPageForm

    class Meta:
        verbose_name = "collection"

    def intro_html(self) -> str:
        return render_markdown(self.intro)

    def get_context(self, request, *args, **kwargs):
        from curation.collections import reader_items

        context = super().get_context(request, *args, **kwargs)
        context.update(reader_items(self, request))
        return context

    @path("")
    def collection(self, request):
        return self.render(request)

    @path("quiz/", name="quiz")
    def quiz_start(self, request):
        from curation import quiz_views

        return quiz_views.start(request, self)

    @path("quiz/<int:step>/", name="quiz-step")
    def quiz_step(self, request, step):
        from curation import quiz_views

        return quiz_views.step(request, self, step)

    @path("quiz/result/", name="quiz-result")
    def quiz_result(self, request):
        from curation import quiz_views

        return quiz_views.result(request, self)


class CollectionItem(Orderable):
    """One case of a collection, with the editor's note about it."""

    collection = ParentalKey(CollectionPage, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="+")
    note = models.TextField(
        max_length=MAX_NOTE_LENGTH,
        blank=True,
        default="",
        help_text="Shown with the case (after the reveal in a quiz).",
    )

    panels = [PageChooserPanel("case", "cases.CasePage"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "collection case"
        constraints = [
            models.UniqueConstraint(fields=("collection", "case"), name="collection_case_once")
        ]

    def __str__(self):
        return f"case {self.case_id} in collection {self.collection_id}"

    def clean(self):
        """A case joins a collection only while every verified clinician may see it; one
        that later leaves stays (readers skip it, editors are warned)."""
        super().clean()
        if self.case_id and _case_changed(self, CollectionItem):
            problem = publicly_listed_problem(self.case, "added to a collection")
            if problem:
                raise ValidationError({"case": problem})


def _case_changed(row, model) -> bool:
    if row.pk is None:
        return True
    return not model.objects.filter(pk=row.pk, case_id=row.case_id).exists()
