"""Personal collections ("saved"): a clinician's own lists of cases, private unless shared
read-only with named verified colleagues. Every write is a POST with CSRF and goes through
``curation.services``; a refused one answers with its reason (400, 403, 404 or 409)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import require_case_access
from curation import services
from curation.listings import card_queryset, listable_cases, make_cards
from curation.models import SavedCase, SavedCollection


def _refused(request, status: int, message: str, back: str = ""):
    context = {"message": message, "back": back}
    return TemplateResponse(request, "curation/saved/refused.html", context, status=status)


def _readable(request, collection_id: int) -> SavedCollection:
    """A collection the user owns or that is shared with them; 404 otherwise (its existence
    is not revealed)."""
    user = request.user
    collection = (
        SavedCollection.objects.filter(pk=collection_id)
        .filter(Q(owner=user) | Q(shares__user=user))
        .select_related("owner__clinician_profile")
        .distinct()
        .first()
    )
    if collection is None:
        raise Http404("No such collection.")
    return collection


def _owned(request, collection_id: int) -> SavedCollection:
    collection = SavedCollection.objects.filter(pk=collection_id, owner=request.user).first()
    if collection is None:
        raise Http404("No collection of yours has that id.")
    return collection


@require_case_access
@require_GET
def saved_list(request):
    mine = SavedCollection.objects.filter(owner=request.user).annotate(
        cases=Count("entries", distinct=True), shares_count=Count("shares", distinct=True)
    )
    shared = (
        SavedCollection.objects.filter(shares__user=request.user)
        .select_related("owner__clinician_profile")
        .annotate(cases=Count("entries", distinct=True))
    )
    context = {"mine": mine, "shared": shared}
    return TemplateResponse(request, "curation/saved/list.html", context)


@require_case_access
@require_http_methods(["GET", "POST"])
def saved_create(request):
    error = ""
    if request.method == "POST":
        try:
            collection = services.create_saved_collection(request.user, request.POST.get("title"))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except services.Conflict as exc:
            return _refused(request, 409, exc.message, "/saved/")
        else:
            messages.success(request, f"“{collection.title}” created. It is private to you.")
            return redirect("curation:saved-detail", collection_id=collection.pk)
    context = {"error": error, "title": request.POST.get("title", "")}
    return TemplateResponse(
        request, "curation/saved/create.html", context, status=400 if error else 200
    )


@require_case_access
@require_http_methods(["GET", "POST"])
def save_case(request, page_id: int):
    """Choose one of your collections (or name a new one) for a case you can see."""
    page = listable_cases().filter(pk=page_id).first()
    if page is None:
        raise Http404("No such case.")
    collections = SavedCollection.objects.filter(owner=request.user)
    if request.method == "POST":
        try:
            with transaction.atomic():  # a new collection only if the case goes in it
                collection = _target_collection(request, collections)
                services.save_case(collection, page, request.user)
        except ValidationError as exc:
            return _refused(request, 400, " ".join(exc.messages), page.url)
        except services.Conflict as exc:
            return _refused(request, 409, exc.message, page.url)
        messages.success(request, f"Saved to “{collection.title}”.")
        return redirect(page.url)
    holding = set(
        SavedCase.objects.filter(page=page, collection__owner=request.user).values_list(
            "collection_id", flat=True
        )
    )
    context = {"case": page, "collections": collections, "holding": holding}
    return TemplateResponse(request, "curation/saved/save_case.html", context)


def _target_collection(request, collections) -> SavedCollection:
    new_title = request.POST.get("new_title", "").strip()
    if new_title:
        return services.create_saved_collection(request.user, new_title)
    raw = request.POST.get("collection", "")
    collection = collections.filter(pk=int(raw)).first() if raw.isdigit() else None
    if collection is None:
        raise ValidationError("Choose one of your collections, or name a new one.")
    return collection


@require_case_access
@require_GET
def saved_detail(request, collection_id: int):
    collection = _readable(request, collection_id)
    owner = collection.owner_id == request.user.pk
    entries = list(collection.entries.values_list("page_id", flat=True))
    cases = {case.pk: case for case in card_queryset().filter(pk__in=entries)}
    shown = [cases[pk] for pk in entries if pk in cases]
    context = {
        "collection": collection,
        "owner": owner,
        "cards": make_cards(shown, request),
        "missing": len(entries) - len(shown),
        "shares": collection.shares.select_related("user__clinician_profile") if owner else [],
    }
    return TemplateResponse(request, "curation/saved/detail.html", context)


@require_case_access
@require_POST
def remove_case(request, collection_id: int, page_id: int):
    collection = _owned(request, collection_id)
    services.remove_saved_case(collection, page_id, request.user)
    messages.success(request, "Removed from the collection.")
    return redirect("curation:saved-detail", collection_id=collection.pk)


@require_case_access
@require_POST
def share(request, collection_id: int):
    collection = _owned(request, collection_id)
    back = f"/saved/{collection.pk}/"
    try:
        shared = services.share_collection(collection, request.user, request.POST.get("user", ""))
    except ValidationError as exc:
        return _refused(request, 400, " ".join(exc.messages), back)
    except services.Conflict as exc:
        return _refused(request, 409, exc.message, back)
    except PermissionDenied as exc:
        return _refused(request, 403, str(exc), back)
    name = shared.user.clinician_profile.display_name
    messages.success(request, f"Shared with {name} (read-only). They have been told.")
    return redirect("curation:saved-detail", collection_id=collection.pk)


@require_case_access
@require_POST
def unshare(request, collection_id: int, user_id: int):
    collection = _owned(request, collection_id)
    services.unshare_collection(collection, request.user, user_id)
    messages.success(request, "No longer shared with that colleague.")
    return redirect("curation:saved-detail", collection_id=collection.pk)


@require_case_access
@require_POST
def delete(request, collection_id: int):
    collection = _owned(request, collection_id)
    title = collection.title
    services.delete_saved_collection(collection, request.user)
    messages.success(request, f"“{title}” deleted.")
    return redirect("curation:saved")
