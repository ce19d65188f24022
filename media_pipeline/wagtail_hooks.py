"""Admin registrations: the quarantine queue, its URLs and a menu item with a count."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from media_pipeline import admin_views
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
        path("<int:item_id>/", admin_views.review_item, name="review"),
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
