"""The notifications API: your notifications (newest first), marking one or all read.

Like the notifications page, it is open to every signed-in user, verified or not: the
decision on a registration reaches a clinician who cannot see cases yet. Such a user gets no
case reference in a notification.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import BadRequest
from api.pagination import PageSerializer, page_parameters, paginate
from api.permissions import SignedIn
from api.schema import errors
from api.views import ApiView
from cases.access import can_view_cases
from notifications import services
from notifications.models import Event, Notification

PAGE_SIZE = 50
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class CaseReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The case page, relative to the site.")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.ChoiceField(choices=Event.choices)
    text = serializers.CharField(help_text='Who did what, e.g. "Dr Ada replied to your comment".')
    message = serializers.CharField(
        help_text="A moderator's or editor's message to you; often empty."
    )
    case = serializers.SerializerMethodField(help_text="What it is about, if a case.")
    comment = serializers.IntegerField(source="comment_id", allow_null=True)
    proposal = serializers.IntegerField(source="proposal_id", allow_null=True)
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, row) -> bool:
        return row.read_at is not None

    @extend_schema_field(CaseReferenceSerializer(allow_null=True))
    def get_case(self, row):
        if row.page is None or not self.context["may_see_cases"]:
            return None
        return {"id": row.page.pk, "title": row.page.title, "url": row.page.url}

    def to_representation(self, row):
        row.text = services.describe(row)
        return super().to_representation(row)


class NotificationPageSerializer(PageSerializer):
    unread_count = serializers.IntegerField(help_text="Your unread notifications, all pages.")
    results = NotificationSerializer(many=True)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")


def _mine(user):
    return Notification.objects.filter(recipient=user).visible()


def _context(request) -> dict:
    return {"may_see_cases": can_view_cases(request.user)}


class NotificationsView(ApiView):
    """Your notifications, newest first."""

    permission_classes = [SignedIn]

    @extend_schema(
        summary="Your notifications, newest first",
        parameters=[
            *page_parameters(PAGE_SIZE),
            OpenApiParameter(
                "unread",
                {"type": "string", "enum": ["true", "false"]},
                description="Only unread ones (`true`), or only read ones (`false`).",
            ),
        ],
        responses={200: NotificationPageSerializer, **errors(400)},
        tags=["notifications"],
    )
    def get(self, request):
        rows = _mine(request.user)
        unread = request.query_params.get("unread")
        if unread is not None:
            if unread.lower() not in BOOLEANS:
                raise BadRequest("unread must be true or false.")
            rows = rows.filter(read_at__isnull=BOOLEANS[unread.lower()])
        rows = rows.select_related("actor__clinician_profile", "page", "comment", "proposal")
        chunk, counts = paginate(request, rows, page_size=PAGE_SIZE)
        body = NotificationSerializer(chunk, many=True, context=_context(request)).data
        unread_count = _mine(request.user).unread().count()
        return Response({**counts, "unread_count": unread_count, "results": body})


class NotificationReadView(ApiView):
    """Mark one of your notifications read."""

    permission_classes = [SignedIn]

    @extend_schema(
        summary="Mark one notification read",
        request=None,
        responses={200: NotificationSerializer, **errors(404)},
        tags=["notifications"],
    )
    def post(self, request, notification_id: int):
        rows = _mine(request.user).select_related("actor__clinician_profile", "page")
        row = get_object_or_404(rows, pk=notification_id)
        services.mark_read(request.user, [row.pk])
        row.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(row, context=_context(request)).data)


class NotificationsReadAllView(ApiView):
    """Mark all your notifications read."""

    permission_classes = [SignedIn]

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses={200: MarkedSerializer},
        tags=["notifications"],
    )
    def post(self, request):
        return Response(MarkedSerializer({"marked": services.mark_read(request.user)}).data)
