"""What editors put on the home page: featured cases (an orderable list on the home page,
edited and published like the page) and the case of the week (a snippet per week)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.models import Orderable, PreviewableMixin

MAX_BLURB_LENGTH = 400


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def publicly_listed_problem(case, doing: str = "featured") -> str:
    """Why ``case`` cannot be ``doing`` (shown to every verified clinician), or ""."""
    from curation.listings import is_listable

    if case is None:
        return ""
    if not case.live:
        return f"“{case.title}” is not published: only published cases can be {doing}."
    if not is_listable(case):
        return (
            f"“{case.title}” is restricted or held back by a moderator: only cases every "
            f"verified clinician may see can be {doing}."
        )
    return ""


class HomeFeaturedCase(Orderable):
    """A case on the home page's featured list, with an editor's blurb and an optional
    window: before ``show_from`` and after ``show_until`` it is not shown."""

    home = ParentalKey("cms.HomePage", on_delete=models.CASCADE, related_name="featured_cases")
    case = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="+")
    blurb = models.TextField(
        max_length=MAX_BLURB_LENGTH, help_text="Why this case is worth a look (one or two lines)."
    )
    show_from = models.DateTimeField(
        null=True, blank=True, help_text="Optional: not shown before this moment."
    )
    show_until = models.DateTimeField(
        null=True, blank=True, help_text="Optional: drops off the home page after this moment."
    )

    panels = [
        PageChooserPanel("case", "cases.CasePage"),
        FieldPanel("blurb"),
        FieldPanel("show_from"),
        FieldPanel("show_until"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "featured case"

    def __str__(self):
        return f"featured case {self.case_id}"

    def clean(self):
        super().clean()
        if self.show_from and self.show_until and self.show_until <= self.show_from:
            raise ValidationError({"show_until": "The end must come after the start."})
        if self.case_id and _case_changed(self):
            problem = publicly_listed_problem(self.case)
            if problem:
                raise ValidationError({"case": problem})

    def is_showing(self, now=None) -> bool:
        now = now or timezone.now()
        started = self.show_from is None or self.show_from <= now
        return started and (self.show_until is None or now < self.show_until)


def _case_changed(entry) -> bool:
    """A new entry, or one whose case was changed: an entry whose case has since been
    unpublished must not block editing the rest of the home page (it is just not shown)."""
    if entry.pk is None:
        return True
    return not HomeFeaturedCase.objects.filter(pk=entry.pk, case_id=entry.case_id).exists()


class WeeklyCase(PreviewableMixin, models.Model):
    """The case of the week: one per week, scheduled ahead by the week's Monday."""

    week_starting = models.DateField(
        unique=True,
        help_text="Any day of the week: it is stored as that week's Monday.",
        error_messages={"unique": "Another case is already case of the week for that week."},
    )
    case = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="+")
    blurb = models.TextField(max_length=MAX_BLURB_LENGTH, blank=True, default="")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("week_starting"),
        PageChooserPanel("case", "cases.CasePage"),
        FieldPanel("blurb"),
    ]

    class Meta:
        ordering = ("-week_starting",)
        verbose_name = "case of the week"
        verbose_name_plural = "cases of the week"

    def __str__(self):
        return f"Case of the week of {self.week_starting:%d %b %Y}"

    def save(self, *args, **kwargs):
        self.week_starting = monday_of(self.week_starting)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.week_starting:
            self.week_starting = monday_of(self.week_starting)
            clash = WeeklyCase.objects.filter(week_starting=self.week_starting).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {
                        "week_starting": (
                            f"The week of Monday {self.week_starting:%d %b %Y} already has a "
                            "case of the week: edit that one, or choose another week."
                        )
                    }
                )
        if self.case_id:
            problem = publicly_listed_problem(self.case)
            if problem:
                raise ValidationError({"case": problem})

    # Preview: the home page's "case of the week" box as clinicians will see it.
    def get_preview_template(self, request, mode_name):
        return "curation/previews/weekly_case.html"

    def get_preview_context(self, request, mode_name):
        from curation.listings import cards_for

        context = super().get_preview_context(request, mode_name)
        blurbs = {self.case_id: self.blurb}
        context["cards"] = cards_for([self.case_id], request, blurbs=blurbs) if self.case_id else []
        return context
