"""Admin registrations: the moderation queue, its menu item and dashboard count, and the
audit-log actions of moderation decisions."""

from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from discussion import admin_views
from discussion.moderation_queue import open_item_count
from discussion.permissions import can_moderate
from discussion.services import moderation

moderation_urls = (
    [
        path("", admin_views.moderation_queue, name="queue"),
        path("proposals/", admin_views.free_text_proposals, name="free-text"),
        path("proposals/<id:proposal_id>/map/", admin_views.map_free_text, name="map"),
        path("<str:kind>/<id:object_id>/<str:action>/", admin_views.decide, name="decide"),
    ],
    "discussion_moderation",
)


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("moderation/", include(moderation_urls))]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return can_moderate(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = open_item_count()
        component.label = f"{self.label} ({waiting})" if waiting else self.label
        return component


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModerationMenuItem(
        "Moderation",
        reverse("discussion_moderation:queue"),
        name="moderation",
        icon_name="warning",
        order=260,
    )


class OpenFlagsPanel(Component):
    order = 60

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel"><h2>Flagged posts awaiting a decision: {}</h2>'
            '<p><a href="{}">Open the moderation queue</a></p></section>',
            open_item_count(),
            reverse("discussion_moderation:queue"),
        )


@hooks.register("construct_homepage_panels")
def add_open_flags_panel(request, panels):
    if can_moderate(request.user):
        panels.append(OpenFlagsPanel())


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions):
    for action, label, verb in (
        (moderation.DISMISSED, "Dismiss flags", "Dismissed the flags"),
        (moderation.REMOVED, "Remove flagged post", "Removed after flags"),
        (moderation.EDIT_REQUESTED, "Ask the author to edit", "Asked the author to edit"),
    ):

        class Decision(LogFormatter):
            def format_message(self, log_entry, verb=verb):
                note = log_entry.data.get("note") or ""
                return f"{verb}{': ' + note if note else ''}"

        Decision.label = label
        actions.register_action(action)(Decision)
