"""Receivers that only enqueue work once the change has committed."""

from wagtail.signals import page_published

from ops.commit import enqueue_after_commit


def home_published(sender, instance, revision=None, **kwargs) -> None:
    """The featured list is part of the home page: reflect a publish on the cases."""
    from curation.tasks import sync_featured_task

    user_id = getattr(revision, "user_id", None)
    enqueue_after_commit(sync_featured_task, instance.pk, user_id)


def connect() -> None:
    from cms.models import HomePage

    page_published.connect(home_published, sender=HomePage, dispatch_uid="curation-home")
