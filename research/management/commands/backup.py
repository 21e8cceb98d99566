from django.core.management.base import BaseCommand, CommandError

from research.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = ("Back up the database (every row, as portable JSON lines) and the media files its rows refer to "
            "into DIR (new or empty), with a manifest of row counts, file hashes and migration state. "
            "Secrets (SECRET_KEY, PSEUDONYM_KEY) are never included.")

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            report = backup(directory, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(describe(report), ending="")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {directory}."))
