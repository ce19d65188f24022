"""Background work of curation (django-tasks; arguments are primitive ids)."""

from django_tasks import task

from curation import services


@task()
def sync_featured_task(home_id: int, user_id: int | None) -> None:
    """The home page was published: update the cases' featured flags, history and index."""
    services.sync_featured(home_id, user_id)
