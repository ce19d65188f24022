"""Admin registrations: the quarantine queue, its URLs, a menu item with a count, and the
audit-log actions of case media."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from media_pipeline import admin_views, approval, review
from media_pipeline.models import MediaItem


class QuarantineMenuItem(MenuItem):
    """Shown to editors only; the label carries the number of items waiting."""

    def is_shown(self, request):
        return getattr(request.user, "is_editor", False)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = MediaItem.objects.quarantined().count()
        component.label = f"{self.label} ({waiting})" if waiting else self.label
        return component


quarantine_urls = (
    [
        path("", admin_views.quarantine_queue, name="queue"),
        path("<id:item_id>/", admin_views.review_item, name="review"),
        path("<id:item_id>/withdraw/", admin_views.withdraw_item, name="withdraw"),
        path("<id:item_id>/delete/", admin_views.delete_item, name="delete"),
    ],
    "media_quarantine",
)


@hooks.register("register_admin_urls")
def register_quarantine_urls():
    return [path("media-quarantine/", include(quarantine_urls))]


@hooks.register("register_admin_menu_item")
def register_quarantine_menu_item():
    return QuarantineMenuItem(
        "Media quarantine",
        reverse("media_quarantine:queue"),
        name="media-quarantine",
        icon_name="warning",
        order=250,
    )


@hooks.register("register_log_actions")
def register_media_log_actions(actions):
    @actions.register_action(approval.ADDED)
    class MediaAdded(LogFormatter):
        label = "Add images"

        def format_message(self, log_entry):
            count = len(log_entry.data.get("items", []))
            return f"Added {count} image{'s' if count != 1 else ''} to the draft (awaiting review)"

    @actions.register_action(approval.REMOVED)
    class MediaRemoved(LogFormatter):
        label = "Remove an image"

        def format_message(self, log_entry):
            return f"Removed image {log_entry.data.get('item')} from the draft"

    for action, label, verb in (
        (review.RELEASED, "Release quarantined media", "Released quarantined image"),
        (review.REDACTED, "Redact quarantined media", "Redacted and released image"),
        (review.DELETED, "Delete quarantined media", "Deleted quarantined image"),
    ):

        class Decision(LogFormatter):
            def format_message(self, log_entry, verb=verb):
                return f"{verb} {log_entry.data.get('item')}"

        Decision.label = label
        actions.register_action(action)(Decision)

    @actions.register_action(approval.WITHDRAWN)
    class MediaWithdrawn(LogFormatter):
        label = "Withdraw an image"

        def format_message(self, log_entry):
            reason = log_entry.data.get("reason", "")
            return f"Withdrew image {log_entry.data.get('item')} from peers at once: {reason}"
