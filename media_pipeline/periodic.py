"""Periodic jobs of the media pipeline (see ops.periodic and docs/operations.md)."""

from datetime import timedelta

from media_pipeline.tasks import clean_expired_uploads_task
from ops.periodic import register

register(
    "clean-expired-uploads",
    clean_expired_uploads_task,
    every=timedelta(minutes=5),
    purpose="Re-enqueue files a killed worker left processing (after "
    "CASEBOOK_MEDIA_STALLED_AFTER_MINUTES), fail those whose spool copy is gone, and delete "
    "orphaned spool files older than a day.",
)
