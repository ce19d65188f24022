"""The privacy check in the Wagtail editor, for the editor who reviews a case.

Read-only: it lists what the text check finds in the version being edited or reviewed, with
the author's "not an identifier" confirmations (who and when), and what it found in the names
of uploaded files. ``CasePage`` declares the panel while the models load, so the check is
imported only when the panel renders.
"""

from wagtail.admin.panels import Panel


class IdentifierCheckPanel(Panel):
    """Findings of the text check in this version, confirmed ones with their author."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "cases/admin/identifier_check_panel.html"

        def get_context_data(self, parent_context=None):
            from cases.identifiers import check_case, confirmation_text
            from cases.models import IdentifierConfirmation

            context = super().get_context_data(parent_context)
            page = self.instance
            if not page.pk:
                context["check"] = None
                return context
            check = check_case(page, draft=page)
            confirmations = {
                (c.kind, c.text): c
                for c in IdentifierConfirmation.objects.filter(page=page).select_related(
                    "confirmed_by"
                )
            }
            context["check"] = check
            context["rows"] = [
                (finding, confirmations.get((finding.kind, confirmation_text(finding.text))))
                for finding in check.findings
            ]
            return context
