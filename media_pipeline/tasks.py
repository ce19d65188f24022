"""Background tasks of the media pipeline; each takes primitive ids and calls a service."""

from django_tasks import task

from media_pipeline import approval, services


@task()
def process_upload_task(uploaded_file_id: int) -> str:
    """Process one uploaded file; safe to run again (a finished file is left as it is)."""
    return services.process_uploaded_file(uploaded_file_id)


@task()
def purge_removed_media_task(page_id: int) -> int:
    """Delete the media of a case that neither its published nor its latest version holds."""
    return approval.purge_removed(page_id)
