"""Admin registrations: the dead-letter list, its URLs and a menu item with a count."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ops import admin_views
from ops.models import DeadLetter


class DeadLetterMenuItem(MenuItem):
    """Shown to editors only; the label carries the number of open dead letters."""

    def is_shown(self, request):
        return getattr(request.user, "is_editor", False)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = DeadLetter.objects.filter(resolved_at__isnull=True).count()
        component.label = f"{self.label} ({waiting})" if waiting else self.label
        return component


dead_letter_urls = (
    [
        path("", admin_views.dead_letters, name="list"),
        path("<id:letter_id>/", admin_views.resolve_dead_letter, name="resolve"),
    ],
    "dead_letters",
)


@hooks.register("register_admin_urls")
def register_dead_letter_urls():
    return [path("dead-letters/", include(dead_letter_urls))]


@hooks.register("register_admin_menu_item")
def register_dead_letter_menu_item():
    return DeadLetterMenuItem(
        "Failed tasks",
        reverse("dead_letters:list"),
        name="dead-letters",
        icon_name="warning",
        order=260,
    )
