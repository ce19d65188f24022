"""Background tasks of the media pipeline; each takes primitive ids and calls a service."""

from django_tasks import task

from media_pipeline import approval, services
from ops.retries import resilient


@task()
@resilient(on_give_up=services.give_up_on_file)
def process_upload_task(uploaded_file_id: int) -> str:
    """Process one uploaded file; safe to run again (a finished file is left as it is).
    Retried with backoff while storage is away, then failed with a message."""
    return services.process_uploaded_file(uploaded_file_id)


@task()
@resilient()
def purge_removed_media_task(page_id: int) -> int:
    """Delete the media of a case that neither its published nor its latest version holds."""
    return approval.purge_removed(page_id)


@task()
@resilient()
def clean_expired_uploads_task() -> dict:
    """Periodic: resume what killed workers left, fail what cannot be resumed, and delete
    orphaned spool files (``services.clean_expired_uploads``)."""
    return services.clean_expired_uploads()
