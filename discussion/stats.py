"""Keep ``CaseActivity`` true to the source rows after every discussion write."""

from django.db.models import Max

from discussion.models import CaseActivity, Comment, ConfirmedDiagnosis, Proposal, ProposalVote


def refresh_activity(page_id: int) -> CaseActivity:
    """Recount what peers see of the case's discussion (a few aggregate queries)."""
    comments = Comment.objects.shown().filter(page_id=page_id)
    proposals = Proposal.objects.shown().filter(page_id=page_id)
    votes = ProposalVote.objects.filter(proposal__in=proposals)
    moments = [
        comments.aggregate(at=Max("created_at"))["at"],
        proposals.aggregate(at=Max("created_at"))["at"],
        votes.aggregate(at=Max("created_at"))["at"],
        ConfirmedDiagnosis.objects.filter(page_id=page_id)
        .values_list("confirmed_at", flat=True)
        .first(),
    ]
    activity, _ = CaseActivity.objects.update_or_create(
        page_id=page_id,
        defaults={
            "comment_count": comments.count(),
            "proposal_count": proposals.count(),
            "vote_count": votes.count(),
            "last_activity_at": max((m for m in moments if m), default=None),
        },
    )
    return activity
