"""Follow-up work on media when a case changes. Receivers only enqueue on commit."""

from ops.commit import enqueue_after_commit


def case_published(sender, instance, **kwargs) -> None:
    """A published revision may drop media: delete what no version holds any more."""
    from media_pipeline.tasks import purge_removed_media_task

    enqueue_after_commit(purge_removed_media_task, instance.pk)
