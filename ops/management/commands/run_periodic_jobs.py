import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from ops import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs (ops.periodic) when they are due, on whichever task queue is "
        "configured. Runs until stopped; --once does a single pass (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--interval", type=float, default=15.0, help="Seconds between passes (default 15)."
        )

    def handle(self, *args, once, interval, **options):
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        if once:
            names = periodic.run_due()
            self.stdout.write(f"Enqueued {len(names)} periodic jobs: {', '.join(names) or '-'}")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        names = ", ".join(job.name for job in periodic.jobs())
        logger.info("periodic scheduler started: %s", names)
        while not stop.is_set():
            try:
                periodic.run_due()
            except Exception as exc:  # the database may be restarting: try again next tick
                logger.warning("periodic pass failed: %s", type(exc).__name__)
            finally:
                close_old_connections()
            stop.wait(interval)
        logger.info("periodic scheduler stopped")
