from django.core.management.base import BaseCommand

from research.demo import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Load the fictional demo alliance (idempotent: does nothing if it is already there)."

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write("Demo data loaded." if created else "Demo data already present; nothing changed.")
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'): {', '.join(USERS)}")
