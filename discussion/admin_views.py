"""Wagtail admin pages where moderators and editors decide on flags."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from discussion import services
from discussion.models import FlagReason, Proposal
from discussion.moderation_queue import queue_items, target_of
from discussion.permissions import can_moderate
from discussion.services.proposals import condition_named

ACTIONS = {
    "dismiss": (services.dismiss_flags, "Flags dismissed; the item is visible again."),
    "remove": (services.remove_flagged, "Removed."),
    "request-edit": (services.request_edit, "The author is asked to edit; it stays hidden."),
}


class DecisionForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note (the author sees it when asked to edit)",
    )


def _require_moderator(request) -> None:
    if not can_moderate(request.user):
        raise PermissionDenied


@require_GET
def moderation_queue(request):
    _require_moderator(request)
    reason = request.GET.get("reason", "")
    reason = reason if reason in FlagReason.values else ""
    order = "newest" if request.GET.get("order") == "newest" else "oldest"
    page = Paginator(queue_items(reason, order), 25).get_page(request.GET.get("page"))
    context = {
        "items": page,
        "reason": reason,
        "order": order,
        "reasons": FlagReason.choices,
        "form": DecisionForm(),
    }
    return TemplateResponse(request, "discussion/admin/queue.html", context)


@require_POST
def decide(request, kind: str, object_id: int, action: str):
    _require_moderator(request)
    target = target_of(kind, object_id)
    if target is None or action not in ACTIONS:
        raise Http404("No such item or action.")
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run, done = ACTIONS[action]
    try:
        run(target, request.user, note)
    except (ValidationError, services.Conflict) as exc:
        message = exc.message if isinstance(exc, services.Conflict) else " ".join(exc.messages)
        messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("discussion_moderation:queue")


def _require_editor(request) -> None:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied


@require_GET
def free_text_proposals(request):
    """Proposals typed as free text, for editors to map to a taxonomy condition."""
    _require_editor(request)
    proposals = (
        Proposal.objects.shown()
        .filter(condition__isnull=True)
        .select_related("page", "author__clinician_profile")
        .order_by("created_at", "pk")
    )
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "discussion/admin/free_text.html", {"proposals": page})


@require_POST
def map_free_text(request, proposal_id: int):
    _require_editor(request)
    proposal = Proposal.objects.shown().filter(pk=proposal_id, condition__isnull=True).first()
    if proposal is None:
        raise Http404("No unmapped proposal has that id.")
    condition = condition_named(request.POST.get("condition", ""))
    if condition is None:
        messages.error(request, "No condition has exactly that name or synonym.")
    else:
        try:
            services.map_proposal(proposal, request.user, condition)
        except services.Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"“{proposal.free_text}” now counts as {condition.name}.")
    return redirect("discussion_moderation:free-text")
