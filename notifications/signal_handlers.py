"""Notify authors of review decisions and applicants of verification. Receivers only
enqueue a task on commit."""

from ops.commit import enqueue_after_commit


def workflow_approved(sender, instance, user=None, **kwargs) -> None:
    from notifications.tasks import notify_case_reviewed_task

    enqueue_after_commit(notify_case_reviewed_task, int(instance.object_id), _pk(user), True, "")


def workflow_rejected(sender, instance, user=None, **kwargs) -> None:
    from notifications.tasks import notify_case_reviewed_task

    rejected = instance.task_states.filter(status="rejected").order_by("-finished_at").first()
    message = rejected.comment if rejected else ""
    enqueue_after_commit(
        notify_case_reviewed_task, int(instance.object_id), _pk(user), False, message
    )


def verification_decided(sender, profile, by, verified, **kwargs) -> None:
    from notifications.tasks import notify_verification_task

    enqueue_after_commit(notify_verification_task, profile.user_id, _pk(by), verified)


def _pk(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None
