"""Everything under /api/v1/ but the search (``search.urls``): the discussion, notifications,
the OpenAPI schema and its interactive docs, and a JSON 404 for any other address."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from discussion.api import views as discussion
from notifications import api as notifications

from .errors import not_found

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "cases/<id:case_id>/comments/",
        discussion.CaseCommentsView.as_view(),
        name="case-comments",
    ),
    path(
        "cases/<id:case_id>/proposals/",
        discussion.CaseProposalsView.as_view(),
        name="case-proposals",
    ),
    path(
        "cases/<id:case_id>/confirmed-diagnosis/",
        discussion.ConfirmedDiagnosisView.as_view(),
        name="case-confirmed-diagnosis",
    ),
    path("cases/<id:case_id>/follow/", discussion.FollowView.as_view(), name="case-follow"),
    path("comments/<id:comment_id>/", discussion.CommentView.as_view(), name="comment"),
    path(
        "comments/<id:comment_id>/versions/",
        discussion.CommentVersionsView.as_view(),
        name="comment-versions",
    ),
    path("proposals/<id:proposal_id>/vote/", discussion.VoteView.as_view(), name="proposal-vote"),
    path("flags/", discussion.FlagsView.as_view(), name="flags"),
    path("notifications/", notifications.NotificationsView.as_view(), name="notifications"),
    path(
        "notifications/read-all/",
        notifications.NotificationsReadAllView.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/<id:notification_id>/read/",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    # [\s\S]: a newline in the address (%0A) is still an API address.
    re_path(r"^(?P<path>[\s\S]*)$", not_found, name="not-found"),
]
