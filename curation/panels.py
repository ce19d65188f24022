"""A panel of the collection editor: which saved cases readers no longer see."""

from wagtail.admin.panels import Panel


class HiddenCasesPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "curation/admin/hidden_cases_panel.html"

        def get_context_data(self, parent_context=None):
            from curation.collections import unavailable_items

            context = super().get_context_data(parent_context)
            instance = self.instance
            context["hidden"] = unavailable_items(instance) if instance and instance.pk else []
            return context
