"""Issue 14: the daily digest through Django's SMTP backend to a real SMTP server on loopback (aiosmtpd), as
production sends it (EMAIL_HOST, EMAIL_PORT): one message, both unread items in it."""
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings

from research.models import Notification, NotificationSettings

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_send_digests_delivers_one_message_listing_both_items_over_smtp(smtp_server):
    controller, inbox = smtp_server
    # given a teacher who chose the daily digest, with two unread notifications
    user = UserFactory(username="digest.reader", email="digest.reader@school.example")
    NotificationSettings.objects.create(user=user, delivery="daily")
    Notification.objects.create(recipient=user, kind="join_requested", text="Ben asks to join “Maths walls”.",
                                link="/projects/7/#members")
    Notification.objects.create(recipient=user, kind="stage_moved", text="“Maths walls” moved on to progress update.",
                                link="/projects/7/")
    # when send_digests runs with Django's SMTP backend pointed at the server on loopback
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST=controller.hostname, EMAIL_PORT=controller.port, EMAIL_USE_TLS=False,
                           EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", DEFAULT_FROM_EMAIL="research@example.org",
                           SITE_URL="https://research.example.org"):
        call_command("send_digests")
    # then the server received exactly one message, to the teacher, listing both items with their links
    assert len(inbox.messages) == 1
    mail_from, recipients, message = inbox.messages[0]
    assert (mail_from, recipients) == ("research@example.org", ["digest.reader@school.example"])
    assert message["Subject"] == "Action research: 2 unread notifications"
    body = message.get_payload(decode=True).decode()
    assert "Ben asks to join “Maths walls”." in body and "“Maths walls” moved on to progress update." in body
    assert "https://research.example.org/projects/7/#members" in body
    assert Notification.objects.filter(recipient=user, emailed_at__isnull=False).count() == 2
