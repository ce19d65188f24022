"""Taxonomy snippets: conditions (with synonyms and codes), specialties, body systems."""

from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class NamedTerm(index.Indexed, models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    panels = [FieldPanel("name")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class Specialty(NamedTerm):
    class Meta(NamedTerm.Meta):
        verbose_name_plural = "specialties"


class BodySystem(NamedTerm):
    pass


class Condition(NamedTerm):
    synonyms = models.TextField(
        blank=True,
        default="",
        help_text="Synonyms, abbreviations and lay terms, one per line (e.g. MI, heart attack).",
    )
    icd10_code = models.CharField("ICD-10 code", max_length=10, blank=True, default="")
    snomed_code = models.CharField("SNOMED CT concept id", max_length=20, blank=True, default="")

    panels = [
        FieldPanel("name"),
        FieldPanel("synonyms"),
        FieldPanel("icd10_code"),
        FieldPanel("snomed_code"),
    ]
    search_fields = [
        *NamedTerm.search_fields,
        index.SearchField("synonyms"),
        index.FilterField("icd10_code"),
    ]

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]
