"""Front-end pages where verified clinicians write, preview and submit their cases."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from . import services
from .access import require_case_access
from .forms import CaseForm, SubmitForm
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


@require_case_access
@require_http_methods(["GET", "POST"])
def case_create(request):
    form = CaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.create_draft(request.user, form.case_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Draft saved. Preview it, then submit it for review.")
            return redirect("cases:edit", page_id=page.pk)
    return TemplateResponse(request, "cases/case_form.html", {"form": form, "page": None})


@require_case_access
@require_http_methods(["GET", "POST"])
def case_edit(request, page_id: int):
    page = _own_case(request, page_id)
    draft = page.get_latest_revision_as_object()
    form = CaseForm(request.POST if request.method == "POST" else None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(page, request.user, form.case_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Changes saved as a draft.")
            return redirect("cases:edit", page_id=page.pk)
    status, message = services.author_status(page)
    context = {"form": form, "page": page, "status": status, "status_message": message}
    return TemplateResponse(request, "cases/case_form.html", context)


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
    return TemplateResponse(request, "cases/case_submit.html", {"form": form, "page": page})


@require_case_access
def condition_lookup(request):
    """``GET ?q=``: up to 12 conditions whose name or a synonym contains the text, as
    ``{"results": [{"id", "name", "matched"}]}``: exact names and synonyms first, then names
    starting with the text, then the rest. ``matched`` is the synonym that matched when the
    name did not (type "MI", see "Myocardial infarction")."""
    query = " ".join(request.GET.get("q", "").split())[:80]
    if len(query) < 2:
        return JsonResponse({"results": []})
    lowered = query.lower()
    found = Condition.objects.filter(Q(name__icontains=query) | Q(synonyms__icontains=query))
    results = []
    for condition in found[:200]:
        matched = "" if lowered in condition.name.lower() else _matching_synonym(condition, lowered)
        if matched is None:
            continue
        name = condition.name.lower()
        exact = name == lowered or (matched or "").lower() == lowered
        tier = 0 if exact else 1 if name.startswith(lowered) else 2 if not matched else 3
        rank = (tier, condition.name)
        results.append((rank, {"id": condition.pk, "name": condition.name, "matched": matched}))
    results.sort(key=lambda pair: pair[0])
    return JsonResponse({"results": [row for _, row in results[:CONDITION_SUGGESTIONS]]})


def _matching_synonym(condition: Condition, lowered: str) -> str | None:
    """The first synonym containing the text; for two-letter queries, only a whole synonym
    (so that "mi" suggests MI, not every synonym with "mi" inside a word)."""
    for synonym in condition.synonym_list:
        text = synonym.lower()
        if text == lowered or (len(lowered) > 2 and lowered in text):
            return synonym
    return None
