"""Write operations on cases: drafts, consent, submission for review, limits."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.models import Page, WorkflowState

from .identifiers import require_no_open_findings
from .models import (
    CaseConsent,
    CaseDifferential,
    CaseFormDraft,
    CaseIndexPage,
    CasePage,
    Condition,
)

CASE_FIELDS = (
    "title",
    "summary",
    "history",
    "examination",
    "imaging_findings",
    "diagnosis",
    "certainty",
    "management_outcome",
    "learning_points",
    "discussion_references",
    "specialty",
    "age_band",
    "sex",
    "case_mode",
    "licence",
)


@dataclass(frozen=True)
class CaseData:
    """Everything an author enters, already validated by a form or an importer."""

    fields: dict
    body_systems: list
    tags: list[str]
    differentials: list  # Condition instances or free-text strings


def case_index() -> CaseIndexPage:
    index = CaseIndexPage.objects.first()
    if index is None:
        raise ValidationError("The site has no case index page yet: run the migrations.")
    return index


def _apply(page: CasePage, data: CaseData) -> None:
    for name in CASE_FIELDS:
        if name in data.fields:
            setattr(page, name, data.fields[name])
    page.body_systems.set(data.body_systems)
    page.tags.set(data.tags, clear=True)
    page.differentials.set(
        [
            CaseDifferential(condition=item, sort_order=i)
            if isinstance(item, Condition)
            else CaseDifferential(free_text=item, sort_order=i)
            for i, item in enumerate(data.differentials)
        ]
    )


@transaction.atomic
def create_draft(author, data: CaseData, *, external_id: str = "") -> CasePage:
    """A new, unpublished case owned by ``author``, saved as a revision they own."""
    page = CasePage(owner=author, live=False, external_id=external_id)
    _apply(page, data)
    case_index().add_child(instance=page)
    page.save_revision(user=author, log_action=True)
    return page


def lock_case(page_id: int) -> CasePage:
    """The case, with its page row locked until the transaction ends (PostgreSQL).

    Everything that saves a revision from the latest one (an author's edit, the worker adding
    an upload, a removal) takes this lock first, so that no revision is built from a stale one.
    """
    Page.objects.select_for_update().filter(pk=page_id).values_list("pk").first()
    return CasePage.objects.get(pk=page_id)


@transaction.atomic
def update_draft(page: CasePage, author, data: CaseData) -> CasePage:
    """Save edits as a new revision. A published case stays live until review approves."""
    draft = lock_case(page.pk).get_latest_revision_as_object()
    _apply(draft, data)
    draft.save_revision(user=author, log_action=True)
    return draft


def record_consent(page: Page, user, basis: str) -> CaseConsent:
    consent = CaseConsent(page=page, user=user, basis=basis)
    consent.full_clean(exclude=["page", "user"])
    consent.save()
    return consent


def awaiting_review_count(user) -> int:
    # WorkflowState keys its object by a text id: compare as text, in one query.
    owned = (
        CasePage.objects.filter(owner=user)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )
    return WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=owned,
    ).count()


def check_submission_allowed(user) -> None:
    """New contributors may only have a few cases waiting for review at once."""
    limits = settings.CASEBOOK_CASES
    if user.is_editor:
        return
    published = CasePage.objects.live().filter(owner=user).count()
    if published >= limits["NEW_CONTRIBUTOR_PUBLISHED_THRESHOLD"]:
        return
    cap = limits["NEW_CONTRIBUTOR_MAX_AWAITING_REVIEW"]
    threshold = limits["NEW_CONTRIBUTOR_PUBLISHED_THRESHOLD"]
    if awaiting_review_count(user) >= cap:
        raise ValidationError(
            f"New contributors can have at most {cap} cases awaiting review at once. "
            "Your next case can be submitted when an editor has reviewed one of these; "
            f"the limit lifts after {threshold} published cases."
        )


@transaction.atomic
def submit_for_review(page: CasePage, user, consent_basis: str) -> WorkflowState:
    """Record the consent attestation and start (or resume) the review workflow."""
    if page.owner_id != user.pk:
        raise PermissionDenied("Only the author can submit this case.")
    if not consent_basis:
        raise ValidationError("Confirm consent, or that the case cannot identify the patient.")
    current = page.current_workflow_state
    if current and current.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ValidationError("This case is already awaiting review.")
    require_no_open_findings(page)
    if current and current.status == WorkflowState.STATUS_NEEDS_CHANGES:
        record_consent(page, user, consent_basis)
        current.resume(user)
        return current
    check_submission_allowed(user)
    workflow = page.get_workflow()
    if workflow is None:
        raise ValidationError("No review workflow is set up for cases: ask an administrator.")
    record_consent(page, user, consent_basis)
    if page.latest_revision_id is None:
        page.save_revision(user=user)
    return workflow.start(page, user)


def author_status(page: CasePage) -> tuple[str, str]:
    """(status label, message for the author) for the "My cases" list."""
    state = page.current_workflow_state
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        rejected = state.task_states.filter(status="rejected").order_by("-finished_at").first()
        message = rejected.comment if rejected else ""
        return "Changes requested", message
    if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return "Awaiting review", ""
    if page.live and page.has_unpublished_changes:
        return "Published (unsubmitted edits)", ""
    if page.live:
        return "Published", ""
    return "Draft", ""


#: The most an autosaved form may hold (characters of JSON): its text areas at their limits.
MAX_AUTOSAVE_CHARS = 250_000
#: Form fields that hold several values (checkboxes).
MULTI_VALUE_FIELDS = frozenset({"body_systems"})


class AutosaveTooLarge(ValueError):
    """The form sent for autosave is larger than any valid case form."""


def keep_unsaved_form(user, page: CasePage | None, post, fields) -> CaseFormDraft:
    """Keep what ``user`` typed in the case form of ``page`` (None: a new case).

    Only ``fields`` are kept, as text (lists of ids for check boxes); nothing is validated,
    as the author is still typing. Raises ``AutosaveTooLarge`` past ``MAX_AUTOSAVE_CHARS``.
    """
    data = {}
    for name in fields:
        values = post.getlist(name)
        if name in MULTI_VALUE_FIELDS:
            data[name] = [value for value in values if str(value).isdigit()]
        elif values:
            data[name] = str(values[0])
    if sum(len(str(value)) for value in data.values()) > MAX_AUTOSAVE_CHARS:
        raise AutosaveTooLarge("The form is too large to keep; save the draft instead.")
    draft, _ = CaseFormDraft.objects.update_or_create(user=user, page=page, defaults={"data": data})
    return draft


def unsaved_form(user, page: CasePage | None) -> CaseFormDraft | None:
    """The autosaved form of ``page`` (None: a new case). Saving the form deletes it, so one
    that exists holds typing the author never saved."""
    return CaseFormDraft.objects.filter(user=user, page=page).first()


def discard_unsaved_form(user, page: CasePage | None) -> None:
    CaseFormDraft.objects.filter(user=user, page=page).delete()
