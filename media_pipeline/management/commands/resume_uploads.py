from datetime import timedelta

from django.core.management.base import BaseCommand

from media_pipeline.services import resume_stalled_uploads


class Command(BaseCommand):
    help = (
        "Re-enqueue uploaded files left processing by a worker that stopped (their objects are "
        "cleared first), or mark them failed when their spooled copy is gone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=60,
            help="Only files processing for longer than this (default 60; 0 when no worker runs).",
        )

    def handle(self, minutes, **options):
        requeued, failed = resume_stalled_uploads(timedelta(minutes=max(minutes, 0)))
        self.stdout.write(f"{requeued} files re-enqueued, {failed} marked failed.")
