from django.core.management.base import BaseCommand, CommandError

from cases.demo import DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo users, taxonomy and synthetic cases, and give some cases synthetic "
        "images through the media pipeline. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-media", action="store_true", help="Skip the demo images (faster)."
        )

    def handle(self, **options):
        counts, report = seed_demo(media=not options["no_media"])
        for index, reason in report.errors:
            self.stderr.write(f"demo case {index}: {reason}")
        if report.errors:
            raise CommandError("The demo data set has invalid cases; see above.")
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(
            f"Demo ready: users {', '.join(DEMO_USERS)}; {summary}; "
            f"cases {report.created} created, {report.updated} updated."
        )
