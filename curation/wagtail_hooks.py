"""Admin registrations of curation: the case-of-the-week snippets, the review and overdue
queues with their menu items and dashboard counts, the peer-review button on cases, and
the audit-log actions of every editorial decision."""

from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from curation import admin_views, services
from curation.home import schedule_changed
from curation.models import WeeklyCase


class WeeklyCaseViewSet(SnippetViewSet):
    model = WeeklyCase
    icon = "date"
    menu_label = "Cases of the week"
    menu_order = 170
    add_to_admin_menu = True
    list_display = ["week_starting", "case", "scheduled_by"]
    ordering = ["-week_starting"]


register_snippet(WeeklyCaseViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def record_weekly_case(request, instance):
    if isinstance(instance, WeeklyCase):
        if instance.scheduled_by_id is None:
            WeeklyCase.objects.filter(pk=instance.pk).update(scheduled_by=request.user)
        services.record_weekly_case(instance, request.user)


@hooks.register("after_delete_snippet")
def forget_weekly_case(request, instances):
    if any(isinstance(instance, WeeklyCase) for instance in instances):
        schedule_changed()


@hooks.register("register_admin_urls")
def register_curation_urls():
    return [
        path("review-queue/", admin_views.review_queue, name="curation_review_queue"),
        path(
            "review-queue/<id:state_id>/<str:action>/",
            admin_views.review_decision,
            name="curation_review_decision",
        ),
        path("outcomes-overdue/", admin_views.overdue_queue, name="curation_overdue_queue"),
        path("outcomes-overdue/<id:page_id>/remind/", admin_views.remind, name="curation_remind"),
        path("peer-review/<id:page_id>/", admin_views.peer_review, name="curation_peer_review"),
    ]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return getattr(request.user, "is_editor", False)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return EditorMenuItem(
        "Review queue", reverse("curation_review_queue"), icon_name="doc-full", order=160
    )


@hooks.register("register_admin_menu_item")
def register_overdue_menu_item():
    return EditorMenuItem(
        "Outcomes overdue", reverse("curation_overdue_queue"), icon_name="time", order=270
    )


class CountPanel(Component):
    """A dashboard panel: a count of waiting work and a link to its queue."""

    def __init__(self, order: int, title: str, count: int, url: str, link: str):
        self.order, self.title, self.count, self.url, self.link = order, title, count, url, link

    def render_html(self, parent_context=None):
        return format_html(
            '<section class="panel"><h2>{}: {}</h2><p><a href="{}">{}</a></p></section>',
            self.title,
            self.count,
            self.url,
            self.link,
        )


class HiddenCasesDashboardPanel(Component):
    order = 95

    def render_html(self, parent_context=None):
        from curation.listings import listable_q
        from curation.models import CollectionItem, CollectionPage

        ids = (
            CollectionItem.objects.exclude(listable_q("case__"))
            .values_list("collection_id", flat=True)
            .distinct()
        )
        collections = list(CollectionPage.objects.filter(pk__in=ids).order_by("title")[:20])
        if not collections:
            return ""
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("wagtailadmin_pages:edit", args=[c.pk]), c.title) for c in collections),
        )
        return format_html(
            '<section class="panel"><h2>Collections with cases readers no longer see: {}</h2>'
            "<ul>{}</ul></section>",
            len(collections),
            links,
        )


@hooks.register("construct_homepage_panels")
def add_editorial_panels(request, panels):
    if not getattr(request.user, "is_editor", False):
        return
    from media_pipeline.models import MediaItem

    panels.extend(
        [
            CountPanel(
                55,
                "Cases awaiting review",
                admin_views.awaiting_review_count(),
                reverse("curation_review_queue"),
                "Open the review queue",
            ),
            CountPanel(
                58,
                "Media in quarantine",
                MediaItem.objects.quarantined().count(),
                reverse("media_quarantine:queue"),
                "Open the media quarantine",
            ),
            CountPanel(
                65,
                "Cases whose outcome is overdue",
                admin_views.overdue_count(),
                reverse("curation_overdue_queue"),
                "Open the overdue outcomes",
            ),
            HiddenCasesDashboardPanel(),
        ]
    )


@hooks.register("register_page_header_buttons")
def peer_review_button(page, user, view_name, next_url=None):
    from cases.models import CasePage

    if getattr(user, "is_editor", False) and isinstance(page.specific_deferred, CasePage):
        yield Button(
            "Peer review",
            reverse("curation_peer_review", args=[page.pk]),
            icon_name="success",
            priority=80,
        )


@hooks.register("register_log_actions")
def register_curation_log_actions(actions):
    def message(verb):
        def format_message(self, log_entry):
            data = log_entry.data or {}
            detail = data.get("blurb") or data.get("reviewer") or data.get("week_starting") or ""
            return f"{verb}{': ' + str(detail) if detail else ''}"

        return format_message

    for action, label, verb in (
        (services.FEATURED, "Feature", "Featured on the home page"),
        (services.UNFEATURED, "Unfeature", "Taken off the home page's featured list"),
        (services.WEEKLY, "Case of the week", "Scheduled as case of the week, week of"),
        (services.PEER_REVIEWED, "Peer review", "Marked peer reviewed by"),
        (services.PEER_REVIEW_CLEARED, "Remove peer review", "Peer review removed"),
        (services.OUTCOME_REMINDED, "Outcome reminder", "Author reminded to add the outcome"),
    ):
        formatter = type(f"Log{label.replace(' ', '')}", (LogFormatter,), {"label": label})
        formatter.format_message = message(verb)
        actions.register_action(action)(formatter)
