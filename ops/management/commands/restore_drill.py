from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore_drill


class Command(BaseCommand):
    help = (
        "Restore a backup (from backup_casebook) into a scratch database and bucket, check "
        "row counts, checksums and media references, then drop the scratch copies."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--keep", action="store_true", help="Keep the scratch copies.")

    def handle(self, *args, directory, keep, **options):
        if not (directory / "manifest.json").exists():
            raise CommandError(f"{directory} holds no backup (manifest.json is missing).")
        try:
            report = restore_drill(directory, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(got for _, got in report.tables.values())
        wrong = {k: v for k, v in report.tables.items() if v[0] != v[1]}
        self.stdout.write(
            f"Restored into {report.database}: {rows} rows in {len(report.tables)} tables, "
            f"{report.objects} objects, in {report.seconds:.1f} s."
        )
        if not report.ok:
            raise CommandError(
                f"Restore drill FAILED: row counts differ {wrong or 'nowhere'}; "
                f"{len(report.checksum_mismatches)} checksum mismatches; "
                f"{len(report.missing_objects)} referenced objects missing from the backup."
            )
        self.stdout.write(self.style.SUCCESS("Restore drill passed: counts and checksums match."))
