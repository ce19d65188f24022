"""Admin registrations: the clinical taxonomy as snippets, grouped under one menu."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import BodySystem, Condition, Specialty


class ConditionViewSet(SnippetViewSet):
    model = Condition
    icon = "tag"
    list_display = ["name", "icd10_code", "snomed_code"]
    search_fields = ["name", "synonyms", "icd10_code"]
    ordering = ["name"]


class SpecialtyViewSet(SnippetViewSet):
    model = Specialty
    icon = "group"
    list_display = ["name"]
    search_fields = ["name"]


class BodySystemViewSet(SnippetViewSet):
    model = BodySystem
    icon = "site"
    list_display = ["name"]
    search_fields = ["name"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (ConditionViewSet, SpecialtyViewSet, BodySystemViewSet)
    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 200


register_snippet(TaxonomyViewSetGroup)
