"""Admin registrations: the verification queue, its menu item and its dashboard count."""

from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from . import services, views


@hooks.register("register_admin_urls")
def register_verification_urls():
    return [
        path("verification/", views.verification_queue, name="accounts_verification_queue"),
        path("verification/<id:profile_id>/verify/", views.verify, name="accounts_verify"),
        path("verification/<id:profile_id>/reject/", views.reject, name="accounts_reject"),
    ]


class EditorOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_editor


@hooks.register("register_admin_menu_item")
def register_verification_menu_item():
    return EditorOnlyMenuItem(
        "Verification queue",
        reverse("accounts_verification_queue"),
        icon_name="user",
        order=150,
    )


class PendingVerificationPanel(Component):
    order = 50

    def render_html(self, parent_context=None):
        count = services.pending_count()
        return format_html(
            '<section class="panel"><h2>Clinicians awaiting verification: {}</h2>'
            '<p><a href="{}">Open the verification queue</a></p></section>',
            count,
            reverse("accounts_verification_queue"),
        )


@hooks.register("construct_homepage_panels")
def add_pending_verification_panel(request, panels):
    if request.user.is_editor:
        panels.append(PendingVerificationPanel())


@hooks.register("register_log_actions")
def register_verification_log_actions(actions):
    @actions.register_action(services.VERIFIED)
    class Verified(LogFormatter):
        label = "Verify a clinician"

        def format_message(self, log_entry):
            return "Verified the clinician's registration"

    @actions.register_action(services.REJECTED)
    class Rejected(LogFormatter):
        label = "Reject a clinician"

        def format_message(self, log_entry):
            return f"Could not verify the registration: {log_entry.data.get('reason', '')}"
