from django.core.management.base import BaseCommand, CommandError

from research.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into an EMPTY, migrated database (it refuses any other), "
            "copy its media files back, and verify row counts and file hashes against the manifest.")

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            report = restore(directory, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(describe(report), ending="")
        self.stdout.write(self.style.SUCCESS(f"Restored from {directory}: row counts and file hashes match the "
                                             "manifest."))
