from django.core.management.base import BaseCommand, CommandError

from ops import preflight


class Command(BaseCommand):
    help = (
        "Check that the database, search engine, clinical storage and task queue named by the "
        "environment answer; exit 1 naming the setting of each one that does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=5.0, help="Seconds per service.")

    def handle(self, *args, timeout, **options):
        if timeout <= 0:
            raise CommandError("--timeout must be positive.")
        found = preflight.problems(timeout)
        if found:
            raise CommandError("Casebook cannot start:\n  " + "\n  ".join(found))
        self.stdout.write(self.style.SUCCESS("Every configured service answers."))
