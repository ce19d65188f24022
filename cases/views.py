"""Front-end pages where verified clinicians write, preview and submit their cases."""

import re

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import identifiers, services
from .access import require_case_access
from .forms import SECTIONS, CaseForm, SubmitForm
from .models import CasePage, Condition

#: Suggestions a condition lookup returns at most.
CONDITION_SUGGESTIONS = 12


def _own_case(request, page_id: int) -> CasePage:
    page = get_object_or_404(CasePage, pk=page_id)
    if page.owner_id != request.user.pk:
        raise Http404("No case of yours has that id.")
    return page


@require_case_access
def my_cases(request):
    pages = (
        CasePage.objects.filter(owner=request.user)
        .select_related("diagnosis", "specialty")
        .order_by("-latest_revision_created_at", "-pk")
    )
    rows = [(page, *services.author_status(page)) for page in pages]
    return TemplateResponse(request, "cases/my_cases.html", {"rows": rows})


def _form_context(request, form, page, unsaved=None, **extra) -> dict:
    autosave_url = (
        reverse("cases:autosave", args=[page.pk]) if page else reverse("cases:autosave_new")
    )
    return {
        "form": form,
        "page": page,
        "unsaved": unsaved,
        "autosave_url": autosave_url,
        **extra,
    }


@require_case_access
@require_http_methods(["GET", "POST"])
def case_create(request):
    unsaved = None
    if request.method == "POST":
        form = CaseForm(request.POST)
    else:
        unsaved = services.unsaved_form(request.user, None)
        profile = getattr(request.user, "clinician_profile", None)
        initial = {"specialty": profile.specialty_id} if profile and profile.specialty_id else {}
        form = CaseForm(initial=unsaved.data if unsaved else initial)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.create_draft(request.user, form.case_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            services.discard_unsaved_form(request.user, None)
            messages.success(request, "Draft saved. Add images, preview it, then submit it.")
            return redirect(f"{reverse('cases:edit', args=[page.pk])}#images")
    context = _form_context(request, form, None, unsaved)
    return TemplateResponse(request, "cases/case_form.html", context)


@require_case_access
@require_http_methods(["GET", "POST"])
def case_edit(request, page_id: int):
    page = _own_case(request, page_id)
    draft = page.get_latest_revision_as_object()
    unsaved = None
    if request.method == "POST":
        form = CaseForm(request.POST, instance=draft)
    else:
        unsaved = services.unsaved_form(request.user, page)
        form = CaseForm(instance=draft, initial=unsaved.data if unsaved else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(page, request.user, form.case_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            services.discard_unsaved_form(request.user, page)
            messages.success(request, "Changes saved as a draft.")
            return redirect("cases:edit", page_id=page.pk)
    status, message = services.author_status(page)
    context = _form_context(request, form, page, unsaved, status=status, status_message=message)
    context.update(_identifier_context(page))
    return TemplateResponse(request, "cases/case_form.html", context)


def _identifier_context(page: CasePage) -> dict:
    """The privacy check of the latest version, for the edit and submit pages."""
    return {
        "identifier_check": identifiers.check_case(page),
        "identifier_confirm_url": reverse("cases:not_identifier", args=[page.pk]),
    }


#: The fields autosave keeps: those of the case form.
AUTOSAVE_FIELDS = tuple(name for section in SECTIONS for name in section.fields)


@require_case_access
@require_POST
def case_autosave(request, page_id: int | None = None):
    """Keep what the author typed in the case form, as the browser sends it every few
    seconds (``discard=1`` drops it). JSON for the form's script; a redirect back to the
    form for a plain post. 413 when the form is larger than any valid case."""
    page = _own_case(request, page_id) if page_id is not None else None
    back = reverse("cases:edit", args=[page.pk]) if page else reverse("cases:create")
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if request.POST.get("discard"):
            services.discard_unsaved_form(request.user, page)
            if wants_json:
                return JsonResponse({"discarded": True})
            messages.success(request, "The unsaved changes were discarded.")
            return redirect(back)
        kept = services.keep_unsaved_form(request.user, page, request.POST, AUTOSAVE_FIELDS)
    except (services.AutosaveTooLarge, RequestDataTooBig) as exc:
        message = (
            str(exc)
            if isinstance(exc, services.AutosaveTooLarge)
            else ("The form is too large to keep; save the draft instead.")
        )
        return JsonResponse({"error": message}, status=413)
    saved_at = timezone.localtime(kept.updated_at)
    return JsonResponse({"saved_at": saved_at.isoformat(), "time": saved_at.strftime("%H:%M")})


@require_case_access
@require_POST
def not_identifier(request, page_id: int):
    """One click: a finding of the text check is not an identifier (``key``), or an uploaded
    file's name held none (``file``); ``action=undo`` takes a confirmation back."""
    page = _own_case(request, page_id)
    try:
        if "file" in request.POST:
            identifiers.confirm_file_names(page, request.user, int(request.POST["file"]))
        elif request.POST.get("action") == "undo":
            identifiers.withdraw_confirmation(page, request.POST.get("key", ""))
        else:
            identifiers.confirm_not_identifier(page, request.user, request.POST.get("key", ""))
    except (ValidationError, ValueError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else "Not a file number."
        context = {"page": page, "message": message}
        return TemplateResponse(request, "cases/identifier_refused.html", context, status=400)
    return redirect(reverse("cases:edit", args=[page.pk]) + "#identifier-check")


@require_case_access
def case_preview(request, page_id: int):
    page = _own_case(request, page_id)
    draft = page.get_latest_revision_as_object()
    context = draft.get_context(request)
    context["is_preview"] = True
    return TemplateResponse(request, draft.get_template(request), context)


@require_case_access
@require_http_methods(["GET", "POST"])
def case_submit(request, page_id: int):
    page = _own_case(request, page_id)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_for_review(page, request.user, form.cleaned_data["consent"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Submitted. An editor will review your case.")
            return redirect("cases:mine")
    context = {"form": form, "page": page, **_identifier_context(page)}
    return TemplateResponse(request, "cases/case_submit.html", context)


@require_case_access
def condition_lookup(request):
    """``GET ?q=``: up to 12 conditions for the typeahead, as
    ``{"results": [{"id", "name", "matched"}]}``, best first: an exact name or synonym, names
    starting with the text, names with a word starting with it, then names or synonyms
    containing it (three letters or more, so that "mi" does not suggest "abdominal").
    ``matched`` is the synonym that matched when the name did not (type "MI", see
    "Myocardial infarction")."""
    query = " ".join(request.GET.get("q", "").split())[:80]
    if len(query) < 2:
        return JsonResponse({"results": []})
    lowered = query.lower()
    found = Condition.objects.filter(Q(name__icontains=query) | Q(synonyms__icontains=query))
    results = []
    for condition in found[:300]:
        tier, matched = _text_tier(condition.name.lower(), lowered), ""
        if tier is None:
            tier, matched = _synonym_tier(condition, lowered)
        if tier is None:
            continue
        row = {"id": condition.pk, "name": condition.name, "matched": matched}
        results.append(((tier, condition.name), row))
    results.sort(key=lambda pair: pair[0])
    return JsonResponse({"results": [row for _, row in results[:CONDITION_SUGGESTIONS]]})


_WORD_BREAK = re.compile(r"[\s\-/(),'’]+")


def _text_tier(text: str, lowered: str) -> int | None:
    """0 exact, 1 starts with the query, 2 a word starts with it, 3 contains it (3+ letters)."""
    if text == lowered:
        return 0
    if text.startswith(lowered):
        return 1
    if any(word.startswith(lowered) for word in _WORD_BREAK.split(text)):
        return 2
    if len(lowered) > 2 and lowered in text:
        return 3
    return None


def _synonym_tier(condition: Condition, lowered: str) -> tuple[int | None, str]:
    """The best tier of a synonym and that synonym; for two-letter queries only a whole
    synonym counts ("mi" suggests MI)."""
    best: tuple[int | None, str] = (None, "")
    for synonym in condition.synonym_list:
        tier = _text_tier(synonym.lower(), lowered)
        if tier is None or (len(lowered) <= 2 and tier > 0):
            continue
        if best[0] is None or tier < best[0]:
            best = (tier, synonym)
    return best
