"""Everything under /api/v1/ but the search (``search.urls``): the discussion, notifications,
the OpenAPI schema and its interactive docs, and a JSON 404 for any other address."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from discussion.api import views as discussion
from notifications import api as notifications

from .errors import not_found
from .fields import MAX_ID


class IdConverter:
    """A database id: digits that fit a signed 64-bit integer. A larger number matches no
    URL (a JSON 404) instead of overflowing the database driver."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "api_id")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "cases/<api_id:case_id>/comments/",
        discussion.CaseCommentsView.as_view(),
        name="case-comments",
    ),
    path(
        "cases/<api_id:case_id>/proposals/",
        discussion.CaseProposalsView.as_view(),
        name="case-proposals",
    ),
    path(
        "cases/<api_id:case_id>/confirmed-diagnosis/",
        discussion.ConfirmedDiagnosisView.as_view(),
        name="case-confirmed-diagnosis",
    ),
    path("cases/<api_id:case_id>/follow/", discussion.FollowView.as_view(), name="case-follow"),
    path("comments/<api_id:comment_id>/", discussion.CommentView.as_view(), name="comment"),
    path(
        "comments/<api_id:comment_id>/versions/",
        discussion.CommentVersionsView.as_view(),
        name="comment-versions",
    ),
    path(
        "proposals/<api_id:proposal_id>/vote/", discussion.VoteView.as_view(), name="proposal-vote"
    ),
    path("flags/", discussion.FlagsView.as_view(), name="flags"),
    path("notifications/", notifications.NotificationsView.as_view(), name="notifications"),
    path(
        "notifications/read-all/",
        notifications.NotificationsReadAllView.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/<api_id:notification_id>/read/",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    re_path(r"^(?P<path>.*)$", not_found, name="not-found"),
]
