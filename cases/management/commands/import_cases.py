from django.core.management.base import BaseCommand, CommandError

from cases.portability import ImportFileError, import_records, load_file


class Command(BaseCommand):
    help = "Import cases from a Casebook JSON file (docs/case-format.md). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file to read.")

    def handle(self, path, **options):
        try:
            records = load_file(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        report = import_records(records)
        for index, reason in report.errors:
            self.stderr.write(f"record {index}: {reason}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, "
            f"{len(report.errors)} rejected (nothing written for those)."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} record(s) were rejected; see above.")
