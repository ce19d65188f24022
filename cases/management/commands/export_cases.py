import json

from django.core.management.base import BaseCommand

from cases.portability import export_records


class Command(BaseCommand):
    help = "Export every case to a Casebook JSON file (docs/case-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the JSON file.")

    def handle(self, path, **options):
        document = export_records()
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
        self.stdout.write(f"{len(document['cases'])} cases written to {path}.")
