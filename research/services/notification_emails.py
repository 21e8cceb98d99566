"""Notifications by email, through Django's email framework, as background tasks (research/tasks_api.py).

- "immediately": research.services.notifications queues send_notification_email for each item once the
  event's transaction commits; the task sends one email and stamps the item's `emailed_at`.
- "daily": `manage.py send_digests` (run once a day from cron) or the send_daily_digests task sends each
  such person one email listing their unread items not yet emailed, and stamps them.
- "off": nothing is sent; the inbox has it all.
Who has no email address gets no email. The text is the notification's own (titles and names only).
"""
from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from ..models import Notification, NotificationSettings
from ..models.notifications import Delivery
from ..tasks_api import task

logger = logging.getLogger(__name__)  # ids and counts only
SUBJECT_PREFIX = "Action research: "


def _absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link


def _item_lines(notification: Notification) -> str:
    return f"- {notification.text}\n  {_absolute(notification.link)}" if notification.link else f"- {notification.text}"


def _footer() -> str:
    return (f"\n\nYour inbox: {_absolute('/inbox/')}\n"
            "You can choose there how you hear from us: an email for each notification, a daily digest, or none.\n")


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its recipient if they still want it now; True if an email went."""
    notification = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                    .filter(pk=notification_id, emailed_at__isnull=True).first())
    if notification is None or not notification.recipient.email:
        return False
    delivery = (NotificationSettings.objects.filter(user_id=notification.recipient_id)
                .values_list("delivery", flat=True).first() or Delivery.IMMEDIATELY)
    if delivery != Delivery.IMMEDIATELY or notification.read_at is not None:
        return False
    body = f"{notification.text}\n\n{_absolute(notification.link)}{_footer()}"
    EmailMessage(subject=SUBJECT_PREFIX + notification.text[:120], body=body,
                 from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient.email]).send()
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """One email to each "daily" person with unread items not yet emailed, listing them; returns how many
    emails went. Each person's items are stamped in the transaction that sends theirs."""
    now = now or timezone.now()
    user_ids = (Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True, created_at__lte=now,
                                            recipient__notification_settings__delivery=Delivery.DAILY)
                .exclude(recipient__email="").values_list("recipient_id", flat=True).distinct().order_by())
    sent = 0
    with get_connection() as connection:  # one SMTP session for the whole run
        for user_id in sorted(set(user_ids)):
            sent += _digest_send(user_id=user_id, now=now, connection=connection)
    logger.info("digests sent: %d", sent)
    return sent


@transaction.atomic
def _digest_send(*, user_id: int, now: datetime, connection) -> int:
    items = list(Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                 .filter(recipient_id=user_id, read_at__isnull=True, emailed_at__isnull=True, created_at__lte=now)
                 .order_by("created_at", "id"))
    if not items:
        return 0
    count = len(items)
    subject = f"{SUBJECT_PREFIX}{count} unread notification{'s' if count != 1 else ''}"
    body = (f"Since your last digest ({count}):\n\n" + "\n".join(_item_lines(item) for item in items) + _footer())
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[items[0].recipient.email], connection=connection).send()
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
    return 1


@task()
def send_notification_email(notification_id: int) -> dict:
    """The task queued for each "immediately" notification."""
    return {"notification": notification_id, "sent": notification_email_send(notification_id=notification_id)}


@task()
def send_daily_digests() -> dict:
    """The digest run as a task (what `manage.py send_digests` does in the foreground)."""
    return {"sent": digests_send()}
