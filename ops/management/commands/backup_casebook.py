from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump) and every clinical media object, with a manifest of "
        "row counts and SHA-256 checksums, into an empty directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        try:
            summary = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary['rows']} rows in {summary['tables']} tables and "
                f"{summary['objects']} media objects to {directory}."
            )
        )
