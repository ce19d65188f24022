"""Notification tasks: fan-outs to followers, emails, digests and reminders (primitive ids)."""

from django_tasks import task

from notifications import services
from notifications.models import Event


@task()
def notify_comment_task(comment_id: int, mention_ids: list[int]) -> int:
    """A new comment: a reply to someone, mentions, and the case's followers."""
    from discussion.models import Comment

    comment = Comment.objects.select_related("parent").filter(pk=comment_id).first()
    if comment is None or comment.is_removed or comment.is_hidden:
        return 0
    first = dict.fromkeys(mention_ids, Event.MENTION)
    if comment.parent is not None and comment.parent.author_id:
        first[comment.parent.author_id] = Event.REPLY
    return services.fan_out(
        comment.page_id, comment.author_id, first, Event.COMMENT, comment_id=comment.pk
    )


@task()
def notify_mentions_task(comment_id: int, mention_ids: list[int]) -> int:
    """Users newly mentioned by an edit."""
    from discussion.models import Comment

    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None or comment.is_removed or comment.is_hidden:
        return 0
    rows = services.notify(
        mention_ids,
        Event.MENTION,
        actor_id=comment.author_id,
        page_id=comment.page_id,
        comment_id=comment.pk,
    )
    return len(rows)


@task()
def notify_proposal_task(proposal_id: int) -> int:
    from discussion.models import Proposal

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None or proposal.removed_at or proposal.hidden_at:
        return 0
    return services.fan_out(
        proposal.page_id, proposal.author_id, {}, Event.PROPOSAL, proposal_id=proposal.pk
    )


@task()
def notify_confirmed_task(page_id: int, actor_id: int) -> int:
    """Followers and everyone who proposed or voted hear the confirmed diagnosis."""
    from discussion.models import Proposal, ProposalVote

    proposers = Proposal.objects.shown().filter(page_id=page_id).values_list("author_id", flat=True)
    voters = ProposalVote.objects.filter(proposal__page_id=page_id).values_list(
        "voter_id", flat=True
    )
    first = {user_id: Event.CONFIRMED for user_id in {*proposers, *voters} if user_id}
    return services.fan_out(page_id, actor_id, first, Event.CONFIRMED)


@task()
def notify_case_reviewed_task(
    page_id: int, actor_id: int | None, approved: bool, message: str
) -> int:
    from cases.models import CasePage

    owner_id = CasePage.objects.filter(pk=page_id).values_list("owner_id", flat=True).first()
    event = Event.CASE_APPROVED if approved else Event.CASE_CHANGES
    rows = services.notify([owner_id], event, actor_id=actor_id, page_id=page_id, message=message)
    return len(rows)


@task()
def notify_verification_task(user_id: int, actor_id: int | None, verified: bool) -> int:
    event = Event.VERIFIED if verified else Event.VERIFICATION_REJECTED
    return len(services.notify([user_id], event, actor_id=actor_id))


@task()
def send_notification_emails_task(notification_ids: list[int]) -> int:
    return services.send_notification_emails(notification_ids)


@task()
def send_daily_digests_task() -> int:
    return services.send_daily_digests()


@task()
def send_outcome_reminders_task() -> int:
    return services.send_outcome_reminders()
