"""The discussion API: the same rules as the web pages (``discussion.views``), in JSON.

Access goes through ``discussion.permissions`` and every write through
``discussion.services``; rate limits through ``discussion.limits``. A refusal answers with
the same message the page shows (see ``api.errors`` for the statuses).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.errors import BadRequest
from api.pagination import page_parameters, paginate
from api.schema import errors
from api.views import ApiView
from cases.models import CasePage, Condition
from discussion import services
from discussion.limits import check_rate
from discussion.models import Comment, ConfirmedDiagnosis, Proposal
from discussion.permissions import can_confirm, can_moderate, can_see_post, discussable_case
from discussion.services.follows import is_following
from discussion.threads import comment_threads, ranked_proposals

from . import serializers as s

THREADS_PER_PAGE = 50
PROPOSALS_PER_PAGE = 50


def _context(request, page) -> dict:
    return {"request": request, "page": page}


def _post_for(request, model, pk: int):
    """A comment or proposal on a case the user may discuss, that they may see (else 404),
    as the web views look it up."""
    post = get_object_or_404(
        model.objects.select_related("author__clinician_profile__specialty"), pk=pk
    )
    page = discussable_case(request.user, post.page_id)
    if not can_see_post(request.user, post):
        raise Http404("No such post.")
    post.page = page
    return post


def _condition(data: dict) -> Condition | None:
    if data.get("condition") is None:
        return None
    condition = Condition.objects.filter(pk=data["condition"]).first()
    if condition is None:
        raise BadRequest({"condition": ["No condition has that id."]})
    return condition


class CaseCommentsView(ApiView):
    """A case's comments: read them as threads, post one or a reply."""

    @extend_schema(
        summary="A case's comments, as threads",
        parameters=page_parameters(THREADS_PER_PAGE),
        responses={200: s.ThreadPageSerializer, **errors(400, 404)},
        tags=["comments"],
    )
    def get(self, request, case_id: int):
        """Top-level comments, oldest first, each with its replies. Removed comments stay as
        placeholders (no text) so that threads read on."""
        page = discussable_case(request.user, case_id)
        threads, counts = paginate(
            request, comment_threads(request.user, page), page_size=THREADS_PER_PAGE
        )
        body = s.ThreadSerializer(threads, many=True, context=_context(request, page)).data
        return Response({**counts, "results": body})

    @extend_schema(
        summary="Comment on a case, or reply",
        request=s.CommentInput,
        responses={201: s.CommentSerializer, **errors(400, 404, 409, 415, 429)},
        tags=["comments"],
    )
    def post(self, request, case_id: int):
        page = discussable_case(request.user, case_id)
        data = self.validated(s.CommentInput)
        parent = None
        if data.get("parent") is not None:
            parent = Comment.objects.filter(pk=data["parent"], page=page).first()
            if parent is None or not can_see_post(request.user, parent):
                raise services.Conflict("That comment is no longer there.")
        check_rate(request, "comment")
        comment = services.add_comment(
            page, request.user, data["body"], parent, data.get("not_identifiers", [])
        )
        body = s.CommentSerializer(comment, context=_context(request, page)).data
        location = reverse("api:comment", args=[comment.pk])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class CommentView(ApiView):
    """One comment: read, edit (its author), remove (its author or a moderator)."""

    @extend_schema(
        summary="One comment",
        responses={200: s.CommentSerializer, **errors(404)},
        tags=["comments"],
    )
    def get(self, request, comment_id: int):
        comment = _post_for(request, Comment, comment_id)
        return Response(s.CommentSerializer(comment, context=_context(request, comment.page)).data)

    @extend_schema(
        summary="Edit your comment",
        request=s.CommentEditInput,
        responses={200: s.CommentSerializer, **errors(400, 404, 409, 415)},
        tags=["comments"],
    )
    def patch(self, request, comment_id: int):
        """The earlier text is kept for editors and moderators; the comment shows "edited"."""
        comment = _post_for(request, Comment, comment_id)
        data = self.validated(s.CommentEditInput)
        # Without a new text the service still checks who may edit, and changes nothing.
        body = data.get("body", comment.body)
        edited = services.edit_comment(comment, request.user, body, data.get("not_identifiers", []))
        return Response(s.CommentSerializer(edited, context=_context(request, comment.page)).data)

    @extend_schema(
        summary="Remove a comment (yours, or any as a moderator)",
        responses={204: OpenApiResponse(description="Removed."), **errors(404)},
        tags=["comments"],
    )
    def delete(self, request, comment_id: int):
        """The comment stays as a placeholder without its text; its earlier versions are deleted.
        Removing a removed comment changes nothing."""
        comment = _post_for(request, Comment, comment_id)
        services.remove_comment(comment, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentVersionsView(ApiView):
    """The earlier texts of an edited comment, for editors and moderators."""

    @extend_schema(
        summary="Earlier versions of an edited comment (editors and moderators)",
        responses={200: s.CommentVersionSerializer(many=True), **errors(404)},
        tags=["comments"],
    )
    def get(self, request, comment_id: int):
        if not can_moderate(request.user):
            raise PermissionDenied("Only editors and moderators see earlier versions.")
        comment = _post_for(request, Comment, comment_id)
        return Response(s.CommentVersionSerializer(comment.versions.all(), many=True).data)


class CaseProposalsView(ApiView):
    """A case's diagnosis proposals: read them ranked, propose one."""

    @extend_schema(
        summary="A case's proposed diagnoses, most votes first",
        parameters=page_parameters(PROPOSALS_PER_PAGE),
        responses={200: s.ProposalPageSerializer, **errors(400, 404)},
        tags=["proposals"],
    )
    def get(self, request, case_id: int):
        """Ranked by votes, then age. Removed proposals are left out."""
        page = discussable_case(request.user, case_id)
        proposals, counts = paginate(
            request, ranked_proposals(request.user, page), page_size=PROPOSALS_PER_PAGE
        )
        body = s.ProposalSerializer(proposals, many=True, context=_context(request, page)).data
        return Response({**counts, "results": body})

    @extend_schema(
        summary="Propose a diagnosis",
        request=s.ProposalInput,
        responses={201: s.ProposalSerializer, **errors(400, 404, 409, 415, 429)},
        tags=["proposals"],
    )
    def post(self, request, case_id: int):
        """Name a `condition` of the taxonomy, or type a `diagnosis` (free text an editor can map
        later), with a short `rationale`."""
        page = discussable_case(request.user, case_id)
        data = self.validated(s.ProposalInput)
        condition = _condition(data)
        check_rate(request, "proposal")
        proposal = services.propose(
            page,
            request.user,
            condition=condition,
            free_text=data.get("diagnosis", ""),
            rationale=data["rationale"],
            not_identifiers=data.get("not_identifiers", []),
        )
        proposal.vote_total, proposal.voted = 0, False
        body = s.ProposalSerializer(proposal, context=_context(request, page)).data
        return Response(body, status=status.HTTP_201_CREATED)


class VoteView(ApiView):
    """Your vote for a proposal: give it, take it back."""

    def _answer(self, proposal, count: int, voted: bool):
        body = {"proposal": proposal.pk, "vote_count": count, "voted": voted}
        return Response(s.VoteSerializer(body).data)

    @extend_schema(
        summary="Vote for a proposal",
        request=None,
        responses={200: s.VoteSerializer, **errors(404, 409, 429)},
        tags=["proposals"],
    )
    def post(self, request, proposal_id: int):
        """One vote per person; voting again changes nothing. Not for your own proposal (403) or a
        removed one (409)."""
        proposal = _post_for(request, Proposal, proposal_id)
        check_rate(request, "vote")
        return self._answer(proposal, services.vote(proposal, request.user), True)

    @extend_schema(
        summary="Take back your vote",
        request=None,
        responses={200: s.VoteSerializer, **errors(404, 409, 429)},
        tags=["proposals"],
    )
    def delete(self, request, proposal_id: int):
        proposal = _post_for(request, Proposal, proposal_id)
        check_rate(request, "vote")
        return self._answer(proposal, services.unvote(proposal, request.user), False)


class ConfirmedDiagnosisView(ApiView):
    """A case's confirmed diagnosis: read it; its author or an editor sets it."""

    @extend_schema(
        summary="The case's confirmed diagnosis",
        responses={200: s.ConfirmedDiagnosisSerializer, **errors(404)},
        tags=["proposals"],
    )
    def get(self, request, case_id: int):
        page = discussable_case(request.user, case_id)
        confirmed = ConfirmedDiagnosis.objects.filter(page=page).select_related("condition").first()
        if confirmed is None:
            raise Http404("No diagnosis has been confirmed for this case yet.")
        return Response(s.ConfirmedDiagnosisSerializer(confirmed).data)

    @extend_schema(
        summary="Confirm the diagnosis (the case's author or an editor)",
        request=s.ConfirmInput,
        responses={200: s.ConfirmedDiagnosisSerializer, **errors(400, 404, 415)},
        tags=["proposals"],
    )
    def put(self, request, case_id: int):
        """Replaces an earlier confirmation. The crowd's top proposal at this moment is kept beside
        it, and everyone taking part is notified."""
        page = discussable_case(request.user, case_id)
        if not can_confirm(request.user, page):
            raise PermissionDenied("Only the case's author or an editor can confirm its diagnosis.")
        data = self.validated(s.ConfirmInput)
        confirmed = services.confirm_diagnosis(
            page,
            request.user,
            certainty=data["certainty"],
            condition=_condition(data),
            free_text=data.get("diagnosis", ""),
            not_identifiers=data.get("not_identifiers", []),
        )
        return Response(s.ConfirmedDiagnosisSerializer(confirmed).data)


class FollowView(ApiView):
    """Whether you follow a case: see, follow, unfollow."""

    def _answer(self, page, following: bool):
        return Response(s.FollowSerializer({"case": page.pk, "following": following}).data)

    @extend_schema(
        summary="Whether you follow a case",
        responses={200: s.FollowSerializer, **errors(404)},
        tags=["follows"],
    )
    def get(self, request, case_id: int):
        """Authors and everyone who takes part follow a case unless they unfollowed it; followers
        hear of new comments and proposals."""
        page = discussable_case(request.user, case_id)
        return self._answer(page, is_following(request.user, page))

    @extend_schema(
        summary="Follow a case",
        request=None,
        responses={200: s.FollowSerializer, **errors(404)},
        tags=["follows"],
    )
    def put(self, request, case_id: int):
        page = discussable_case(request.user, case_id)
        services.follow(request.user, page)
        return self._answer(page, True)

    @extend_schema(
        summary="Unfollow a case",
        request=None,
        responses={200: s.FollowSerializer, **errors(404)},
        tags=["follows"],
    )
    def delete(self, request, case_id: int):
        """Kept: taking part again does not follow it again."""
        page = discussable_case(request.user, case_id)
        services.unfollow(request.user, page)
        return self._answer(page, False)


FLAG_TARGETS = {"case": CasePage, "comment": Comment, "proposal": Proposal}


class FlagsView(ApiView):
    """Flags on cases, comments and proposals, for moderators to review."""

    @extend_schema(
        summary="Flag a case, comment or proposal",
        request=s.FlagInput,
        responses={201: s.FlagSerializer, **errors(400, 404, 409, 415, 429)},
        tags=["flags"],
    )
    def post(self, request):
        """A possible patient identifier hides the item from everyone but editors, moderators and
        its author at once; other reasons hide it once enough colleagues flag it. Not your own
        post (403); once per item (409)."""
        data = self.validated(s.FlagInput)
        kind, object_id = data["target_type"], data["target_id"]
        target = get_object_or_404(FLAG_TARGETS[kind], pk=object_id)
        page = discussable_case(request.user, object_id if kind == "case" else target.page_id)
        if kind != "case" and not can_see_post(request.user, target):
            raise Http404("No such post.")
        check_rate(request, "flag")
        flag = services.flag(request.user, target, data["reason"], data.get("text", ""))
        body = {
            "id": flag.pk,
            "target_type": kind,
            "target_id": object_id,
            "case": page.pk,
            "reason": flag.reason,
            "created_at": flag.created_at,
        }
        return Response(s.FlagSerializer(body).data, status=status.HTTP_201_CREATED)
