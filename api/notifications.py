"""/notifications/: the signed-in person's inbox, its unread count and their email choice (issue 14)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models.notifications import Delivery, NotificationKind
from research.selectors.notifications import notification_list, notification_settings_get, unread_count
from research.services.notifications import (
    notification_mark_read,
    notification_settings_update,
    notifications_mark_all_read,
)

from .pagination import PageNumberPagination


class NotificationProjectOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    text = serializers.CharField()
    link = serializers.CharField(help_text="Where it happened: a path of the site, e.g. /projects/12/#members.")
    project = NotificationProjectOut(allow_null=True)
    alliance = serializers.IntegerField(source="alliance_id", allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.SerializerMethodField()

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class UnreadCountOut(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Unread notifications of the signed-in person.")


class NotificationSettingsIn(serializers.Serializer):
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class DeliveryChoiceOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class NotificationSettingsOut(serializers.Serializer):
    delivery = serializers.ChoiceField(choices=Delivery.choices,
                                       help_text="immediately (an email each), daily (one digest a day) or off.")
    choices = serializers.SerializerMethodField(help_text="The choices, each with its label, for the page to offer.")

    @extend_schema_field(DeliveryChoiceOut(many=True))
    def get_choices(self, _settings) -> list[dict]:
        return [{"value": value, "label": label} for value, label in Delivery.choices]


class NotificationListView(APIView):
    """Your notifications, newest first (nobody else's, whoever asks)."""

    @extend_schema(
        operation_id="v1_notifications_list",
        parameters=[OpenApiParameter("unread", bool, description="true: unread only; false: read only."),
                    OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=inline_serializer("PaginatedNotificationList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "results": NotificationOut(many=True)}),
    )
    def get(self, request):
        rows = notification_list(user=request.user, unread=request.query_params.get("unread"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(NotificationOut(page, many=True).data)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=NotificationOut)
    def post(self, request, notification_id):
        return Response(NotificationOut(notification_mark_read(actor=request.user,
                                                               notification_id=notification_id)).data)


class NotificationsReadAllView(APIView):
    @extend_schema(request=None, responses=inline_serializer("NotificationsMarkedRead", {
        "marked": serializers.IntegerField(help_text="How many were unread and are now read.")}))
    def post(self, request):
        return Response({"marked": notifications_mark_all_read(actor=request.user)})


class UnreadCountView(APIView):
    """The header's count: one small query."""

    @extend_schema(responses=UnreadCountOut)
    def get(self, request):
        return Response({"unread": unread_count(user=request.user)})


class NotificationSettingsView(APIView):
    """How you hear of notifications by email: each at once (the default), a daily digest, or not at all."""

    @extend_schema(responses=NotificationSettingsOut)
    def get(self, request):
        return Response(NotificationSettingsOut(notification_settings_get(user=request.user)).data)

    @extend_schema(request=NotificationSettingsIn, responses=NotificationSettingsOut)
    def patch(self, request):
        data = NotificationSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(NotificationSettingsOut(notification_settings_update(actor=request.user,
                                                                             **data.validated_data)).data)
