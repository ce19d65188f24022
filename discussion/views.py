"""The discussion's web pages: post, reply, edit, remove; propose, vote, confirm; follow;
flag; the unanswered list. Every write is a POST with CSRF, checks access through
``discussion.permissions`` and calls ``discussion.services``.

A refused write answers with its reason: on the case page for a short one, or on a page of
its own that keeps what the user typed (a 400, 403, 404, 409 or 429, never a 500). A post
held for a possible patient identifier comes back as its form, editable, with each finding
highlighted and a one-click "Not an identifier" that posts it again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import require_case_access
from cases.models import CasePage, Specialty
from cases.models.choices import CaseMode
from discussion import services
from discussion.forms import CommentForm, ConfirmForm, FlagForm, ProposalForm
from discussion.limits import RateLimited, check_rate
from discussion.models import Comment, Proposal
from discussion.permissions import (
    can_confirm,
    can_moderate,
    can_see_case,
    can_see_post,
    discussable_case,
)
from discussion.services.follows import is_following, mark_seen
from discussion.services.proposals import condition_named
from discussion.text import PossibleIdentifiers


def _back(page, anchor: str = "discussion"):
    return HttpResponseRedirect(f"{page.url}#{anchor}")


def _refused(request, status: int, message: str, page=None, form=None, title="Not posted"):
    context = {"message": message, "page": page, "form": form, "title": title}
    return TemplateResponse(request, "discussion/refused.html", context, status=status)


def _held(request, exc: PossibleIdentifiers, page, form):
    """The post again, editable, with its findings: nothing was written."""
    context = {
        "message": _errors(exc),
        "page": page,
        "form": form,
        "findings": exc.findings,
        "confirmed": _not_identifiers(request),
    }
    return TemplateResponse(request, "discussion/identifier_check.html", context, status=400)


def _not_identifiers(request) -> list[str]:
    """The ``kind:text`` keys the author confirmed as not identifiers in this post."""
    return request.POST.getlist("not_identifier")


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _post_for(request, model, pk: int):
    """A comment or proposal on a case the user may discuss, that they may see (else 404)."""
    post = get_object_or_404(model.objects.select_related("page"), pk=pk)
    page = discussable_case(request.user, post.page_id)
    if not can_see_post(request.user, post):
        raise Http404("No such post.")
    post.page = page
    return post


def _write(request, page, action, run, form=None, anchor="discussion", done=""):
    """Run a service write; map each refusal to its status and message."""
    try:
        if action:
            check_rate(request, action)
        result = run()
    except RateLimited as exc:
        return _refused(request, 429, exc.message, page, form)
    except PossibleIdentifiers as exc:
        if form is None:
            return _refused(request, 400, _errors(exc), page)
        return _held(request, exc, page, form)
    except ValidationError as exc:
        return _refused(request, 400, _errors(exc), page, form)
    except PermissionDenied as exc:
        return _refused(request, 403, str(exc) or "You may not do that.", page, form)
    except services.Conflict as exc:
        return _refused(request, 409, exc.message, page, form)
    if done:
        messages.success(request, done)
    if callable(anchor):
        anchor = anchor(result)
    return _back(page, anchor)


@require_case_access
@require_POST
def post_comment(request, page_id: int):
    page = discussable_case(request.user, page_id)
    form = CommentForm(request.POST)
    form.is_valid()
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], page=page).first()
        if parent is None or not can_see_post(request.user, parent):
            return _refused(request, 409, "That comment is no longer there.", page, form)
    return _write(
        request,
        page,
        "comment",
        lambda: services.add_comment(
            page, request.user, form.cleaned_data["body"], parent, _not_identifiers(request)
        ),
        form,
        anchor=lambda comment: f"comment-{comment.pk}",
    )


@require_case_access
@require_http_methods(["GET", "POST"])
def edit_comment(request, comment_id: int):
    comment = _post_for(request, Comment, comment_id)
    if comment.author_id != request.user.pk:
        raise Http404("No comment of yours has that id.")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        return _write(
            request,
            comment.page,
            "",
            lambda: services.edit_comment(
                comment, request.user, form.cleaned_data["body"], _not_identifiers(request)
            ),
            form,
            anchor=f"comment-{comment.pk}",
            done="Comment updated.",
        )
    context = {"form": form, "comment": comment, "page": comment.page}
    return TemplateResponse(request, "discussion/comment_edit.html", context)


@require_case_access
@require_http_methods(["GET", "POST"])
def remove_comment(request, comment_id: int):
    comment = _post_for(request, Comment, comment_id)
    if comment.author_id != request.user.pk and not can_moderate(request.user):
        raise Http404("No comment of yours has that id.")
    if request.method == "POST":
        return _write(
            request,
            comment.page,
            "",
            lambda: services.remove_comment(comment, request.user),
            anchor=f"comment-{comment.pk}",
            done="Comment removed.",
        )
    context = {"comment": comment, "page": comment.page}
    return TemplateResponse(request, "discussion/comment_remove.html", context)


@require_case_access
@require_GET
def comment_history(request, comment_id: int):
    """Earlier versions of an edited comment, for editors and moderators."""
    if not can_moderate(request.user):
        raise PermissionDenied
    comment = _post_for(request, Comment, comment_id)
    context = {"comment": comment, "page": comment.page, "versions": comment.versions.all()}
    return TemplateResponse(request, "discussion/comment_history.html", context)


@require_case_access
@require_POST
def post_proposal(request, page_id: int):
    page = discussable_case(request.user, page_id)
    form = ProposalForm(request.POST)
    form.is_valid()
    typed = form.cleaned_data.get("diagnosis", "")
    return _write(
        request,
        page,
        "proposal",
        lambda: services.propose(
            page,
            request.user,
            condition=condition_named(typed) if typed.strip() else None,
            free_text=typed,
            rationale=form.cleaned_data.get("rationale", ""),
            not_identifiers=_not_identifiers(request),
        ),
        form,
        anchor=lambda proposal: f"proposal-{proposal.pk}",
    )


@require_case_access
@require_POST
def toggle_vote(request, proposal_id: int):
    proposal = _post_for(request, Proposal, proposal_id)
    remove = request.POST.get("vote") == "remove"
    action = services.unvote if remove else services.vote
    return _write(
        request,
        proposal.page,
        "vote",
        lambda: action(proposal, request.user),
        anchor=f"proposal-{proposal.pk}",
    )


@require_case_access
@require_http_methods(["GET", "POST"])
def confirm_diagnosis(request, page_id: int):
    page = discussable_case(request.user, page_id)
    if not can_confirm(request.user, page):
        raise PermissionDenied("Only the case's author or an editor can confirm its diagnosis.")
    proposals = services.proposals.ranked(Proposal.objects.shown().filter(page=page))
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["diagnosis"]
        return _write(
            request,
            page,
            "",
            lambda: services.confirm_diagnosis(
                page,
                request.user,
                certainty=form.cleaned_data["certainty"],
                condition=condition_named(typed) if typed.strip() else None,
                free_text=typed,
                not_identifiers=_not_identifiers(request),
            ),
            form,
            anchor="confirmed-diagnosis",
            done="Diagnosis confirmed; everyone taking part is told.",
        )
    context = {
        "form": form,
        "page": page,
        "proposals": proposals.select_related("condition"),
    }
    return TemplateResponse(request, "discussion/confirm.html", context)


@require_case_access
@require_POST
def toggle_follow(request, page_id: int):
    page = discussable_case(request.user, page_id)
    if request.POST.get("follow") == "0":
        services.unfollow(request.user, page)
        messages.success(request, "You no longer follow this case.")
    else:
        services.follow(request.user, page)
        messages.success(request, "You follow this case: new comments reach your notifications.")
    return _back(page, "discussion")


FLAG_TARGETS = {"case": CasePage, "comment": Comment, "proposal": Proposal}


@require_case_access
@require_http_methods(["GET", "POST"])
def flag(request, kind: str, object_id: int):
    model = FLAG_TARGETS.get(kind)
    if model is None:
        raise Http404("Nothing of that kind can be flagged.")
    target = get_object_or_404(model, pk=object_id)
    page = discussable_case(request.user, object_id if kind == "case" else target.page_id)
    if kind != "case" and not can_see_post(request.user, target):
        raise Http404("No such post.")
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _write(
            request,
            page,
            "flag",
            lambda: services.flag(
                request.user, target, form.cleaned_data["reason"], form.cleaned_data["text"]
            ),
            form,
            done="Thank you. A moderator will review it.",
        )
    context = {"form": form, "page": page, "kind": kind, "target": target}
    return TemplateResponse(request, "discussion/flag.html", context)


UNANSWERED_SORTS = {
    "newest": ("-first_published_at", "-pk"),
    "votes": (F("activity__vote_count").desc(nulls_last=True), "-first_published_at", "-pk"),
}


@require_case_access
@require_GET
def unanswered(request):
    """Published cases seeking an opinion that have no confirmed diagnosis yet."""
    sort = request.GET.get("sort", "newest")
    sort = sort if sort in UNANSWERED_SORTS else "newest"
    cases = (
        CasePage.objects.live()
        .filter(case_mode=CaseMode.OPINION, confirmed_diagnosis__isnull=True)
        .filter(moderation_hold__isnull=True)
        .select_related("diagnosis", "specialty", "activity")
        .order_by(*UNANSWERED_SORTS[sort])
    )
    specialty = Specialty.objects.filter(slug=request.GET.get("specialty") or None).first()
    if specialty is not None:
        cases = cases.filter(specialty=specialty)
    paginator = Paginator(cases, 20)
    kept = {"sort": sort, **({"specialty": specialty.slug} if specialty else {})}
    context = {
        "cases": paginator.get_page(request.GET.get("page")),
        "query": "&" + urlencode(kept),
        "sort": sort,
        "specialty": specialty,
        "specialties": Specialty.objects.order_by("name"),
    }
    return TemplateResponse(request, "discussion/unanswered.html", context)


def case_discussion_context(request, page, csrf_token: str) -> dict:
    """What the case page shows of its discussion, in a fixed number of queries; threads and
    proposals are rendered here (``discussion.rendering``)."""
    from discussion.rendering import DiscussionRenderer, render_proposals, render_threads
    from discussion.threads import build_discussion

    user = request.user
    moderator = can_moderate(user)
    if not getattr(request, "is_preview", False):
        mark_seen(user, page)
    discussion = build_discussion(user, page)
    renderer = DiscussionRenderer(user, page, moderator=moderator, csrf_token=csrf_token)
    comment_url = reverse("discussion:comment", args=[page.pk])
    return {
        **discussion,
        "threads_html": render_threads(renderer, discussion["threads"], comment_url),
        "proposals_html": render_proposals(renderer, discussion["proposals"]),
        "following": is_following(user, page),
        "can_confirm": can_confirm(user, page),
        "comment_form": CommentForm(),
        "proposal_form": ProposalForm(),
        "visible": can_see_case(user, page),
    }
