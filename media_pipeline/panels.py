"""The case's media in the Wagtail editor: what this version holds, and what changed.

The panel is read-only (media come from uploads, not from the admin form) and shows each
item of the version being edited or reviewed against the published version: new items that
peers do not see yet, published ones, and published ones this version removes. The same
comparison shows up in Wagtail's revision compare view, next to the text changes.

``CasePage`` declares the panel while the models load, so the approval module (which needs
the models) is imported only when a panel renders.
"""

from django.template.loader import render_to_string
from wagtail.admin.panels import Panel


class CaseMediaPanel(Panel):
    """The media of the version being edited, marked new / kept / removed."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "media_pipeline/admin/case_media_panel.html"

        def get_context_data(self, parent_context=None):
            from media_pipeline.approval import changes_against_published

            context = super().get_context_data(parent_context)
            context["entries"] = (
                changes_against_published(self.instance) if self.instance.pk else []
            )
            context["is_editor"] = getattr(self.request.user, "is_editor", False)
            return context

        def get_comparison(self):
            return [MediaComparison]


class MediaComparison:
    """Wagtail's revision comparison for the case's media: added and removed images."""

    is_field = True
    is_child_relation = False

    def __init__(self, obj_a, obj_b):
        self.links_a = list(obj_a.media.all())
        self.links_b = list(obj_b.media.all())

    def field_label(self):
        return "Images"

    def has_changed(self):
        captions = [(link.item_id, link.caption) for link in self.links_a]
        return captions != [(link.item_id, link.caption) for link in self.links_b]

    def htmldiff(self):
        from media_pipeline.approval import compare_media

        entries = compare_media(self.links_b, [link.item_id for link in self.links_a])
        # render_to_string returns safe HTML, escaped by the template
        return render_to_string("media_pipeline/admin/media_comparison.html", {"entries": entries})
