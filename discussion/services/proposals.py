"""Diagnosis proposals, votes, and confirming a case's diagnosis."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from cases.models import Condition
from cases.models.choices import Certainty
from discussion.models import ConfirmedDiagnosis, Proposal, ProposalVote
from discussion.models.proposals import MAX_FREE_TEXT_LENGTH, MAX_RATIONALE_LENGTH
from discussion.permissions import can_confirm
from discussion.text import clean_post_text, render_post, require_no_identifiers
from ops.commit import enqueue_after_commit

from .common import Conflict, discussion_changed
from .follows import follow_on_taking_part


def ranked(proposals):
    """Proposals with ``vote_total``, most votes first, then the oldest."""
    return proposals.annotate(vote_total=Count("votes")).order_by("-vote_total", "created_at", "pk")


def condition_named(text: str) -> Condition | None:
    """The condition whose name or one synonym is exactly ``text`` (any case), if only one."""
    wanted = text.strip().lower()
    by_name = list(Condition.objects.annotate(lower=Lower("name")).filter(lower=wanted)[:2])
    if len(by_name) == 1:
        return by_name[0]
    matches = [
        condition
        for condition in Condition.objects.filter(synonyms__icontains=wanted)
        if wanted in (synonym.lower() for synonym in condition.synonym_list)
    ]
    return matches[0] if len(matches) == 1 else None


def _diagnosis(condition: Condition | None, free_text: str) -> tuple[Condition | None, str]:
    free_text = (free_text or "").strip()
    if condition is None and not free_text:
        raise ValidationError("Choose a condition from the list, or type the diagnosis.")
    if condition is not None:
        return condition, ""
    free_text = clean_post_text(free_text, max_length=MAX_FREE_TEXT_LENGTH, what="The diagnosis")
    named = condition_named(free_text)
    return (named, "") if named else (None, free_text)


@transaction.atomic
def propose(
    page,
    author,
    *,
    condition=None,
    free_text: str = "",
    rationale: str,
    not_identifiers: Iterable[str] = (),
) -> Proposal:
    """A proposed diagnosis on live ``page``: a condition, or free text (mapped to the
    condition it names exactly). Conflict when the condition is proposed already;
    ``PossibleIdentifiers`` for a likely identifier in the free text or the rationale that is
    not among ``not_identifiers`` (``kind:text`` keys the author confirmed)."""
    condition, free_text = _diagnosis(condition, free_text)
    rationale = clean_post_text(rationale, max_length=MAX_RATIONALE_LENGTH, what="The rationale")
    require_no_identifiers(
        {"diagnosis": free_text, "rationale": rationale},
        {"diagnosis": "The diagnosis", "rationale": "The rationale"},
        not_identifiers,
    )
    if (
        condition
        and Proposal.objects.filter(page=page, condition=condition, removed_at=None).exists()
    ):
        raise Conflict(f"{condition.name} is proposed already: vote for it instead.")
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                page=page,
                author=author,
                condition=condition,
                free_text=free_text,
                rationale=rationale,
                rationale_html=render_post(rationale, []),
            )
    except IntegrityError:  # proposed by someone else at the same moment
        raise Conflict(f"{condition.name} is proposed already: vote for it instead.") from None
    follow_on_taking_part(author, page)
    follow_on_taking_part(page.owner, page)
    discussion_changed(page.pk)
    from notifications.tasks import notify_proposal_task

    enqueue_after_commit(notify_proposal_task, proposal.pk)
    return proposal


def _votable(proposal: Proposal, voter) -> None:
    if proposal.removed_at or proposal.hidden_at:
        raise Conflict("That proposal was removed, so it cannot be voted on.")
    if proposal.author_id == voter.pk:
        raise PermissionDenied("You cannot vote for your own proposal.")


def vote(proposal: Proposal, voter) -> int:
    """Up-vote ``proposal`` once (again is a no-op, also under concurrency); returns the
    proposal's vote count."""
    _votable(proposal, voter)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProposalVote.objects.create(proposal=proposal, voter=voter)
        except IntegrityError:  # the constraint: a concurrent or repeated vote counts once
            pass
        follow_on_taking_part(voter, proposal.page)
        discussion_changed(proposal.page_id)
    return proposal.votes.count()


def unvote(proposal: Proposal, voter) -> int:
    """Take back ``voter``'s vote (a no-op without one); returns the vote count."""
    if proposal.removed_at or proposal.hidden_at:
        raise Conflict("That proposal was removed, so it cannot be voted on.")
    with transaction.atomic():
        ProposalVote.objects.filter(proposal=proposal, voter=voter).delete()
        discussion_changed(proposal.page_id)
    return proposal.votes.count()


@transaction.atomic
def map_proposal(proposal: Proposal, editor, condition: Condition) -> Proposal:
    """An editor maps a free-text proposal to a taxonomy condition."""
    if not getattr(editor, "is_editor", False):
        raise PermissionDenied("Only editors map proposals to conditions.")
    taken = Proposal.objects.filter(page_id=proposal.page_id, condition=condition, removed_at=None)
    if taken.exists():
        raise Conflict(f"{condition.name} is proposed already on this case.")
    proposal.condition = condition
    proposal.mapped_by = editor
    proposal.mapped_at = timezone.now()
    proposal.save(update_fields=["condition", "mapped_by", "mapped_at"])
    discussion_changed(proposal.page_id)
    return proposal


@transaction.atomic
def confirm_diagnosis(
    page,
    user,
    *,
    certainty: str,
    condition=None,
    free_text: str = "",
    not_identifiers: Iterable[str] = (),
) -> ConfirmedDiagnosis:
    """The author (or an editor) confirms the diagnosis, which may replace an earlier one.

    The crowd's top proposal at this moment is kept beside it. Participants are notified.
    A typed diagnosis is checked for identifiers as a proposal is.
    """
    if not can_confirm(user, page):
        raise PermissionDenied("Only the case's author or an editor can confirm its diagnosis.")
    if certainty not in Certainty.values:
        raise ValidationError("Choose how certain the diagnosis is.")
    condition, free_text = _diagnosis(condition, free_text)
    require_no_identifiers(
        {"diagnosis": free_text}, {"diagnosis": "The diagnosis"}, not_identifiers
    )
    shown = Proposal.objects.shown().filter(page=page)
    top = ranked(shown).select_related("condition").first()
    matching = shown.filter(
        Q(condition=condition) if condition else Q(condition=None, free_text__iexact=free_text)
    ).first()
    confirmed, _ = ConfirmedDiagnosis.objects.update_or_create(
        page=page,
        defaults={
            "condition": condition,
            "free_text": free_text,
            "certainty": certainty,
            "proposal": matching,
            "crowd_top_label": top.label if top else "",
            "crowd_top_votes": top.vote_total if top else 0,
            "confirmed_by": user,
            "confirmed_at": timezone.now(),
        },
    )
    discussion_changed(page.pk)
    from notifications.tasks import notify_confirmed_task

    enqueue_after_commit(notify_confirmed_task, page.pk, user.pk)
    return confirmed
