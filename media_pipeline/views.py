"""Upload media to a case, follow its processing, and serve stored media behind permissions.

The upload view is exempt from the CSRF middleware only so that it can refuse an oversized
request from its Content-Length before anything reads the body (the middleware would parse the
whole multipart body to find the token); it then runs the same CSRF check itself.
"""

import logging

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cases.access import can_view_cases, deny
from cases.models import CasePage
from media_pipeline import approval, services, storage
from media_pipeline.conf import media_settings
from media_pipeline.models import MediaInstance, MediaItem, MediaStatus, Upload
from media_pipeline.panel import draft_media_context
from media_pipeline.permissions import can_manage_media, can_see_item
from media_pipeline.upload_handlers import LimitedTemporaryFileUploadHandler

logger = logging.getLogger(__name__)

RENDITIONS = {"source", "preview", "thumbnail"}


def _mebibytes(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB"


def _refuse(request, status: int, message: str, page_id: int | None = None, upload=True):
    """A whole-request refusal: JSON for scripts, a short page for browser forms."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    page_id = page_id or request.resolver_match.kwargs.get("page_id")
    context = {"message": message, "page_id": page_id, "upload": upload}
    return TemplateResponse(request, "media_pipeline/upload_refused.html", context, status=status)


def _managed_case(request, page_id: int) -> CasePage:
    page = get_object_or_404(CasePage, pk=page_id)
    if not can_manage_media(request.user, page):
        raise Http404("No case of yours has that id.")
    return page


@csrf_exempt
@require_POST
def upload_media(request, page_id: int):
    """Accept several files or zips for one case and queue them (202).

    400 for a bad request (no files, too many, CSRF failure is 403), 413 when the request
    or one file is over its limit. The JSON answer echoes the uploaded names to the uploader
    only; nothing stores them.
    """
    limits = media_settings()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _refuse(request, 400, "The request has an invalid Content-Length.")
    if length > limits.max_upload_bytes:
        return _refuse(
            request,
            413,
            f"The upload is too large: at most {_mebibytes(limits.max_upload_bytes)} "
            "per upload. Send fewer files at a time.",
        )
    if not can_view_cases(request.user):
        return deny(request)
    page = _managed_case(request, page_id)
    handler = LimitedTemporaryFileUploadHandler(request, limits.max_file_bytes)
    request.upload_handlers = [handler]
    try:
        # The CSRF check reads the form token, so it is the first to parse the body.
        csrf_failure = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if csrf_failure is not None:
            return csrf_failure
        files = request.FILES.getlist("files")
    except TooManyFilesSent:
        return _refuse(request, 400, f"Too many files: at most {limits.max_files} per upload.")
    except RequestDataTooBig:
        return _refuse(request, 413, "The form fields of the upload are too large.")
    if handler.too_large:
        return _too_large_file(request, limits.max_file_bytes)
    if not files:
        return _refuse(request, 400, "No files were received. Choose files to upload.")
    if len(files) > limits.max_files:
        return _refuse(request, 400, f"Too many files: at most {limits.max_files} per upload.")
    upload = services.ingest_upload(page, request.user, files)
    if _wants_json(request):
        received = [
            {"id": record.pk, "name": incoming.name, "label": record.label, "status": record.status}
            for incoming, record in zip(files, upload.files.order_by("position"), strict=True)
        ]
        return JsonResponse({"upload": upload.pk, "files": received}, status=202)
    count = len(files)
    messages.success(request, f"{count} file{'s' if count != 1 else ''} received; processing.")
    return redirect("cases:edit", page_id=page.pk)


def _too_large_file(request, max_file_bytes: int):
    return _refuse(
        request,
        413,
        f"A file is too large: at most {_mebibytes(max_file_bytes)} per file.",
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_GET
def upload_status(request, page_id: int):
    """The author's view of every uploaded file of a case: neutral label, status, reason."""
    if not can_view_cases(request.user):
        return deny(request)
    page = _managed_case(request, page_id)
    uploads = Upload.objects.filter(page=page).prefetch_related("files")
    files = [
        {"id": record.pk, "label": record.label, "status": record.status, "reason": record.reason}
        for upload in uploads
        for record in upload.files.all()
    ]
    return JsonResponse({"files": files})


@require_POST
def remove_item(request, item_id: int):
    """Take an item out of the case's latest version (the owner or an editor).

    An item peers never saw is deleted; a published one stays visible to peers until an
    editor approves the version without it. 409 when the latest version does not hold it.
    """
    if not can_view_cases(request.user):
        return deny(request)
    item = get_object_or_404(MediaItem.objects.select_related("page"), pk=item_id)
    if not can_manage_media(request.user, item.page):
        raise Http404("No case of yours has that image.")
    try:
        approval.remove_from_draft(item.page, item, request.user)
    except approval.NotInDraft:
        message = "That image is not part of the latest version of the case."
        return _refuse(request, 409, message, item.page_id, upload=False)
    if _wants_json(request):
        return JsonResponse({"removed": item_id})
    messages.success(
        request,
        "Image removed. If peers could see it, they will stop seeing it once an editor "
        "approves the change: submit the case for review.",
    )
    return redirect("cases:edit", page_id=item.page_id)


def _managed_item(request, item_id: int) -> MediaItem:
    item = get_object_or_404(MediaItem.objects.select_related("page"), pk=item_id)
    if not can_manage_media(request.user, item.page):
        raise Http404("No case of yours has that image.")
    return item


def _changed(request, item: MediaItem, message: str):
    """The answer to a change of the draft's media: JSON for the panel's script, else back
    to the case form with a message."""
    if _wants_json(request):
        return JsonResponse({"item": item.pk, "message": message})
    messages.success(request, message)
    return redirect(f"{reverse('cases:edit', args=[item.page_id])}#images")


NOT_IN_DRAFT = "That image is not part of the latest version of the case."


@require_POST
def caption_item(request, item_id: int):
    """Set an item's caption in the case's latest version (owner or editor). 400 for a
    caption that is too long; 409 when the latest version does not hold the item."""
    if not can_view_cases(request.user):
        return deny(request)
    item = _managed_item(request, item_id)
    try:
        caption = approval.clean_caption(request.POST.get("caption", ""))
        approval.caption_in_draft(item.page, item, caption, request.user)
    except ValueError as exc:
        return _refuse(request, 400, str(exc), item.page_id, upload=False)
    except approval.NotInDraft:
        return _refuse(request, 409, NOT_IN_DRAFT, item.page_id, upload=False)
    return _changed(request, item, "Caption saved." if caption else "Caption removed.")


MOVES = {"up": -1, "down": 1}


@require_POST
def move_item(request, item_id: int):
    """Move an item up or down in the case's latest version (owner or editor)."""
    if not can_view_cases(request.user):
        return deny(request)
    item = _managed_item(request, item_id)
    direction = request.POST.get("direction", "")
    if direction not in MOVES:
        return _refuse(request, 400, 'Say "up" or "down" to move an image.', item.page_id, False)
    try:
        moved = approval.move_in_draft(item.page, item, MOVES[direction], request.user)
    except approval.NotInDraft:
        return _refuse(request, 409, NOT_IN_DRAFT, item.page_id, upload=False)
    message = (
        f"Image moved {direction}."
        if moved
        else f"The image is already at the {'top' if direction == 'up' else 'bottom'}."
    )
    return _changed(request, item, message)


@require_GET
def draft_media(request, page_id: int):
    """The panel's list of the images in the case's latest version, as an HTML fragment the
    upload script swaps in when processing finishes (owner or editor)."""
    if not can_view_cases(request.user):
        return deny(request)
    page = _managed_case(request, page_id)
    context = draft_media_context(page)
    response = TemplateResponse(request, "media_pipeline/draft_media.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def viewer_manifest(request, item_id: int):
    """What the viewer needs to open one item, as JSON: its images' permission-checked URLs
    in stack order, or ``available: false`` with the reason it cannot be shown (waiting for
    an editor, withdrawn). Same access rule as the media itself: 404 for an item the user
    may not see."""
    if not can_view_cases(request.user):
        return deny(request)
    item = MediaItem.objects.select_related("page").filter(pk=item_id).first()
    if item is None or not can_see_item(request.user, item):
        return JsonResponse({"error": "This image is not available."}, status=404)
    instances = list(item.instances.order_by("instance_number", "pk"))
    unavailable = _unavailable_reason(item, instances)
    manifest = {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "modality": item.modality,
        "available": unavailable is None,
        "message": unavailable or "",
        "images": [] if unavailable else [_image_entry(instance) for instance in instances],
    }
    response = JsonResponse(manifest)
    response["Cache-Control"] = "private, no-store"
    return response


def _unavailable_reason(item: MediaItem, instances: list[MediaInstance]) -> str | None:
    if item.withdrawn_at:
        reason = f": {item.withdrawal_reason}" if item.withdrawal_reason else "."
        return f"An editor withdrew this image from peers{reason}"
    if item.status == MediaStatus.QUARANTINED:
        return (
            "An editor has to check this image for identifying text before it can be "
            f"viewed here ({item.reason.rstrip('.')})."
        )
    if not instances:
        return "This item has no stored images."
    return None


def _image_entry(instance: MediaInstance) -> dict:
    return {
        "id": instance.pk,
        "source": reverse("media:file", args=[instance.pk, "source"]),
        "preview": reverse("media:file", args=[instance.pk, "preview"]),
        "frames": instance.frame_count,
        "width": instance.width,
        "height": instance.height,
    }


@require_GET
def serve_media(request, instance_id: int, rendition: str = "frame", frame: int | None = None):
    """Stream (local storage) or redirect to a short-lived signed URL (S3) for one object.

    Anonymous users are sent to log in and unverified users get 403; an object the user may
    not see is a 404, so its existence is not revealed.
    """
    if not can_view_cases(request.user):
        return deny(request)
    instance = get_object_or_404(MediaInstance.objects.select_related("item__page"), pk=instance_id)
    if not can_see_item(request.user, instance.item):
        raise Http404("No such media.")
    key, content_type = _object_for(instance, rendition, frame)
    seconds = media_settings().url_expiry_seconds
    url = storage.presigned_url(key, content_type, seconds)
    if url is not None:
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = storage.open_for_streaming(key)
        except FileNotFoundError:
            raise Http404("No such media.") from None
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={seconds}"
    return response


def _object_for(instance: MediaInstance, rendition: str, frame: int | None) -> tuple[str, str]:
    if frame is not None:
        if not 0 <= frame < len(instance.frame_keys):
            raise Http404("No such frame.")
        return instance.frame_keys[frame], "image/webp"
    if rendition not in RENDITIONS:
        raise Http404("No such rendition.")
    if rendition == "source":
        return instance.source_key, instance.source_content_type
    return getattr(instance, f"{rendition}_key"), "image/webp"
