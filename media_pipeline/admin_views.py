"""Wagtail admin pages where editors work through quarantined media."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from cms.admin_queues import QueueFilter, run_queue
from media_pipeline import approval, review
from media_pipeline.core.errors import MediaRejected
from media_pipeline.forms import KeepForm, RedactionForm, ReleaseForm, WithdrawForm
from media_pipeline.models import MediaItem
from media_pipeline.storage import StorageUnavailable


def _require_editor(request) -> None:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied


def quarantine_queue(request):
    """Every quarantined item: sortable, filterable by modality, paged; release or delete in
    place."""
    _require_editor(request)
    quarantined = MediaItem.objects.quarantined()
    modalities = sorted(set(quarantined.exclude(modality="").values_list("modality", flat=True)))
    queue = run_queue(
        request,
        quarantined.select_related("page").prefetch_related("instances"),
        sorts={
            "oldest": ("Waiting longest first", ("created_at", "pk")),
            "newest": ("Newest first", ("-created_at", "-pk")),
        },
        default="oldest",
        filters=[
            QueueFilter(
                "modality",
                "Modality",
                tuple((m, m) for m in modalities),
                lambda value: {"modality": value},
            )
        ],
    )
    context = {"items": queue.page, "queue": queue, "release": ReleaseForm()}
    return TemplateResponse(request, "media_pipeline/admin/queue.html", context)


@require_POST
def delete_item(request, item_id: int):
    """Delete a quarantined item (an editor judged it unusable), from the queue."""
    _require_editor(request)
    item = get_object_or_404(MediaItem.objects.quarantined().select_related("page"), pk=item_id)
    review.delete_item(item, request.user)
    messages.success(request, f"“{item.title}” of “{item.page.title}” deleted.")
    return redirect("media_quarantine:queue")


@require_http_methods(["GET", "POST"])
def review_item(request, item_id: int):
    """Show one quarantined item with the boxes the automatic checks propose; redact them
    (one click to accept, or adjust), or release the item as it is.

    Release takes one click when the checks ran and found nothing, a ticked confirmation when
    they could not run, and a reason when they found a face or text.
    """
    _require_editor(request)
    item = get_object_or_404(MediaItem.objects.quarantined().select_related("page"), pk=item_id)
    action = request.POST.get("action") if request.method == "POST" else None
    redaction = RedactionForm.for_item(item, request.POST if action == "redact" else None)
    release = ReleaseForm(request.POST if action == "release" else None)
    keep = KeepForm(request.POST if action == "keep" else None)
    clean = review.found_nothing(item)
    if action == "redact" and redaction.is_valid():
        try:
            released = review.redact_item(
                item,
                redaction.cleaned_data["rectangles"],
                request.user,
                mode=redaction.cleaned_data.get("mode") or review.BLACK,
            )
        except (MediaRejected, StorageUnavailable) as exc:
            redaction.add_error(None, getattr(exc, "reason", None) or str(exc))
        else:
            if not released:
                messages.warning(request, item.scan_note)
                return redirect("media_quarantine:review", item.pk)
            messages.success(request, "Redacted, checked again and released.")
            return redirect("media_quarantine:queue")
    released = (
        (action == "release_clean" and clean)
        or (action == "release" and not item.proposals and release.is_valid())
        or (action == "keep" and keep.is_valid())
    )
    if released:
        reason = keep.cleaned_data["reason"] if action == "keep" else ""
        review.release_item(item, request.user, reason=reason)
        messages.success(request, "Released without changes.")
        return redirect("media_quarantine:queue")
    if action == "release_clean" and not clean:
        messages.error(request, "The automatic check found something: give a reason instead.")
    instances = list(item.instances.order_by("instance_number", "pk"))
    context = {
        "item": item,
        "instances": instances,
        "redaction": redaction,
        "release": release,
        "keep": keep,
        "found_nothing": clean,
    }
    return TemplateResponse(request, "media_pipeline/admin/review.html", context)


@require_http_methods(["GET", "POST"])
def withdraw_item(request, item_id: int):
    """Hide an item from peers at once, with a reason, whatever the state of its case."""
    _require_editor(request)
    item = get_object_or_404(MediaItem.objects.select_related("page"), pk=item_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if item.withdrawn_at is None and form.is_valid():
        approval.withdraw_item(item, request.user, form.cleaned_data["reason"])
        messages.success(request, f"“{item.title}” is withdrawn: peers no longer see it.")
        return redirect("wagtailadmin_pages:edit", item.page_id)
    context = {"item": item, "form": form, "instances": item.instances.all()}
    return TemplateResponse(request, "media_pipeline/admin/withdraw.html", context)
