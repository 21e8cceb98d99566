"""A person's inbox: their own notifications only (research.access.notifications_visible_q)."""
from __future__ import annotations

from django.db.models import QuerySet

from .. import access
from ..errors import InvalidFilters
from ..models import Notification
from ..models.notifications import Delivery, NotificationSettings

UNREAD_VALUES = {"true": True, "1": True, "false": False, "0": False}


def notification_list(*, user, unread: str | None = None) -> QuerySet[Notification]:
    """Newest first; `unread` "true" or "false" keeps only unread or read items."""
    rows = (Notification.objects.filter(access.notifications_visible_q(user)).select_related("project")
            .order_by("-created_at", "-id"))
    if unread not in (None, ""):
        if unread.lower() not in UNREAD_VALUES:
            raise InvalidFilters("The filters are not valid.", fields={"unread": ["Use true or false."]})
        rows = rows.filter(read_at__isnull=UNREAD_VALUES[unread.lower()])
    return rows


def unread_count(*, user) -> int:
    """One indexed count (notification_recipient_unread), for the header on every page."""
    return Notification.objects.filter(access.notifications_visible_q(user), read_at__isnull=True).count()


def notification_settings_get(*, user) -> NotificationSettings:
    """The person's choice, or the default (immediately) unsaved."""
    return (NotificationSettings.objects.filter(user=user).first()
            or NotificationSettings(user=user, delivery=Delivery.IMMEDIATELY))
