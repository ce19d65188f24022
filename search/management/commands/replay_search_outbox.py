from django.core.management.base import BaseCommand, CommandError

from search import services


class Command(BaseCommand):
    help = "Apply pending search index changes from the outbox (those due, or all with --all)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Also retry changes still waiting for backoff."
        )
        parser.add_argument("--limit", type=int, default=500, help="Changes per batch.")

    def handle(self, *args, **options):
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        if options["all"]:
            services.make_all_due()
        applied = 0
        while True:
            done, failing = services.replay_outbox(options["limit"])
            applied += done
            if failing:
                raise CommandError(
                    f"Applied {applied} changes; {services.pending_count()} still pending "
                    "(the search engine failed; they will be retried with backoff)."
                )
            if not done:
                break
        self.stdout.write(self.style.SUCCESS(f"Applied {applied} pending search changes."))
