"""Page forms of the Wagtail admin that check what editors put in curated lists: a case once
per list, and a collection's cover chosen from its own cases' anonymised images."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

from media_pipeline.models import MediaItem


def refuse_duplicate_cases(formset, what: str) -> set[int]:
    """Add a clear error to each repeated case of an inline formset (the raw values: the
    formset's own uniqueness check may already have dropped them); return the case ids
    kept."""
    from cases.models import CasePage

    formset.is_valid()  # the page form is cleaned before its inline formsets
    chosen = []
    for form in formset.forms:
        if form["DELETE"].value() if "DELETE" in form.fields else False:
            continue
        raw = str(form["case"].value() or "")
        if raw.isdigit():
            chosen.append((form, int(raw)))
    titles = dict(
        CasePage.objects.filter(pk__in={pk for _, pk in chosen}).values_list("pk", "title")
    )
    seen: set[int] = set()
    for form, pk in chosen:
        if pk in seen:
            form.add_error(None, f"“{titles.get(pk, pk)}” is already in {what}: add it once.")
        seen.add(pk)
    return seen


class HomePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        if "featured_cases" in self.formsets:
            refuse_duplicate_cases(self.formsets["featured_cases"], "the featured cases")
        return cleaned


class CoverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.page.title} — {obj.title} (image {obj.pk})"


class CollectionPageForm(WagtailAdminPageForm):
    """The cover is one of the peer-visible images of the collection's saved cases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("cover_image")
        if field is None:
            return
        case_ids = [item.case_id for item in self.instance.items.all()] if self.instance else []
        choices = MediaItem.objects.peer_visible().filter(page_id__in=case_ids)
        self.fields["cover_image"] = CoverChoiceField(
            queryset=choices.select_related("page").order_by("page_id", "pk"),
            required=False,
            label=field.label,
            help_text=field.help_text,
        )

    def clean(self):
        cleaned = super().clean()
        kept = refuse_duplicate_cases(self.formsets["items"], "this collection")
        cover = cleaned.get("cover_image")
        if cover is not None and cover.page_id not in kept:
            self.add_error(
                "cover_image",
                ValidationError("Choose the cover from the images of a case in this collection."),
            )
        return cleaned
