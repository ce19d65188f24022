"""Editors' queues and actions in the Wagtail admin: cases awaiting review (approve or
request changes in place), cases whose outcome is overdue (remind the author in place), and
marking a case peer reviewed. Every action is in Wagtail's audit log with the editor."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page, WorkflowState

from cases.models import CasePage, Specialty
from cases.models.choices import CaseMode
from cases.models.workflow import RequestChangesForm
from cms.admin_queues import QueueFilter, run_queue
from curation import services
from curation.models import PeerReview
from notifications.models import OutcomeReminder


def _require_editor(request) -> None:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied


def _specialty_filter(lookup: str) -> QueueFilter:
    choices = tuple(Specialty.objects.order_by("name").values_list("slug", "name"))
    return QueueFilter("specialty", "Specialty", choices, lambda slug: {lookup: slug})


# --- Cases awaiting review -----------------------------------------------------------------


def awaiting_review_states():
    """In-progress review workflows of cases."""
    return WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type=ContentType.objects.get_for_model(Page),
        content_type=ContentType.objects.get_for_model(CasePage),
    )


def awaiting_review_count() -> int:
    return awaiting_review_states().count()


def _cases_in(slug: str):
    ids = (
        CasePage.objects.filter(specialty__slug=slug)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )
    return {"object_id__in": ids}


@require_GET
def review_queue(request):
    _require_editor(request)
    queue = run_queue(
        request,
        awaiting_review_states().select_related("current_task_state", "requested_by"),
        sorts={
            "oldest": ("Waiting longest first", ("created_at", "pk")),
            "newest": ("Newest first", ("-created_at", "-pk")),
        },
        default="oldest",
        filters=[
            QueueFilter(
                "specialty",
                "Specialty",
                tuple(Specialty.objects.order_by("name").values_list("slug", "name")),
                _cases_in,
            )
        ],
    )
    states = list(queue.page)
    cases = CasePage.objects.filter(pk__in=[int(s.object_id) for s in states]).select_related(
        "specialty", "owner__clinician_profile"
    )
    by_id = {case.pk: case for case in cases}
    rows = [(state, by_id.get(int(state.object_id))) for state in states]
    context = {
        "queue": queue,
        "rows": [row for row in rows if row[1]],
        "form": RequestChangesForm(),
    }
    return TemplateResponse(request, "curation/admin/review_queue.html", context)


@require_POST
def review_decision(request, state_id: int, action: str):
    """Approve (publishes) or request changes (with a message) on one case, in place."""
    _require_editor(request)
    state = (
        awaiting_review_states().filter(pk=state_id).select_related("current_task_state").first()
    )
    if state is None or action not in ("approve", "reject"):
        raise Http404("That case is no longer awaiting review.")
    task_state = state.current_task_state
    task = task_state.task.specific
    page = CasePage.objects.get(pk=int(state.object_id))
    if action not in {name for name, _label, _form in task.get_actions(page, request.user)}:
        raise PermissionDenied
    comment = ""
    if action == "reject":
        form = RequestChangesForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say what the author should change: they see your message.")
            return redirect("curation_review_queue")
        comment = form.cleaned_data["comment"]
    task.on_action(task_state, request.user, action, comment=comment)
    done = "approved and published" if action == "approve" else "sent back to its author"
    messages.success(request, f"“{page.title}” {done}.")
    return redirect("curation_review_queue")


# --- Outcome overdue -------------------------------------------------------------------------


def overdue_cases(now=None):
    """Live opinion cases published ``OUTCOME_REMINDER_DAYS`` ago or more, still without a
    confirmed diagnosis."""
    days = settings.CASEBOOK_DISCUSSION["OUTCOME_REMINDER_DAYS"]
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return CasePage.objects.live().filter(
        case_mode=CaseMode.OPINION, first_published_at__lte=cutoff, confirmed_diagnosis__isnull=True
    )


def overdue_count() -> int:
    return overdue_cases().count()


@require_GET
def overdue_queue(request):
    _require_editor(request)
    reminded = Exists(OutcomeReminder.objects.filter(page_id=OuterRef("pk")))
    queue = run_queue(
        request,
        overdue_cases()
        .annotate(reminded=reminded)
        .select_related("specialty", "owner__clinician_profile"),
        sorts={
            "oldest": ("Published longest ago first", ("first_published_at", "pk")),
            "newest": ("Most recently published first", ("-first_published_at", "-pk")),
        },
        default="oldest",
        filters=[
            _specialty_filter("specialty__slug"),
            QueueFilter(
                "reminded",
                "Reminder sent",
                (("yes", "Yes"), ("no", "No")),
                lambda value: {"reminded": value == "yes"},
            ),
        ],
    )
    return TemplateResponse(request, "curation/admin/overdue_queue.html", {"queue": queue})


@require_POST
def remind(request, page_id: int):
    _require_editor(request)
    page = overdue_cases().filter(pk=page_id).first()
    if page is None:
        raise Http404("That case's outcome is not overdue.")
    services.remind_outcome(page, request.user)
    messages.success(request, f"The author of “{page.title}” has been reminded.")
    return redirect("curation_overdue_queue")


# --- Peer review -----------------------------------------------------------------------------


class PeerReviewForm(forms.Form):
    reviewer_name = forms.CharField(
        label="Reviewer's display name", max_length=120, help_text="As peers should see it."
    )
    reviewed_on = forms.DateField(label="Reviewed on", widget=forms.DateInput({"type": "date"}))


@require_http_methods(["GET", "POST"])
def peer_review(request, page_id: int):
    _require_editor(request)
    page = get_object_or_404(CasePage, pk=page_id)
    existing = PeerReview.objects.filter(page=page).first()
    if request.method == "POST" and request.POST.get("action") == "clear":
        services.clear_peer_review(page, request.user)
        messages.success(request, f"“{page.title}” is no longer marked peer reviewed.")
        return redirect("wagtailadmin_pages:history", page.pk)
    profile = getattr(request.user, "clinician_profile", None)
    initial = {
        "reviewer_name": existing.reviewer_name
        if existing
        else getattr(profile, "display_name", ""),
        "reviewed_on": existing.reviewed_on if existing else timezone.localdate(),
    }
    form = PeerReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.mark_peer_reviewed(
                    page,
                    request.user,
                    form.cleaned_data["reviewer_name"],
                    form.cleaned_data["reviewed_on"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"“{page.title}” is marked peer reviewed.")
                return redirect("wagtailadmin_pages:history", page.pk)
        status = 400
    context = {"page": page, "form": form, "existing": existing}
    return TemplateResponse(request, "curation/admin/peer_review.html", context, status=status)
