"""Send the daily digest emails: run once a day from cron (README, "Notifications and email")."""
from django.core.management.base import BaseCommand

from research.services.notification_emails import digests_send


class Command(BaseCommand):
    help = ("Email each person who chose the daily digest one message listing their unread notifications "
            "not yet emailed. Run once a day (cron).")

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true",
                            help="Queue the send_daily_digests task for the worker instead of sending here.")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from research.services.notification_emails import send_daily_digests

            result = send_daily_digests.enqueue()
            self.stdout.write(f"Queued the digest task ({result.id}).")
            return
        sent = digests_send()
        self.stdout.write(f"Sent {sent} digest email{'s' if sent != 1 else ''}.")
