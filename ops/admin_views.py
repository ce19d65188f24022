"""The dead-letter list for editors: tasks that gave up, with retry and dismiss."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from ops import retries
from ops.models import DeadLetter

PAGE_SIZE = 100


def _require_editor(request) -> None:
    if not getattr(request.user, "is_editor", False):
        raise PermissionDenied


@require_GET
def dead_letters(request):
    """Open dead letters, newest first (and the latest resolved ones below)."""
    _require_editor(request)
    open_letters = DeadLetter.objects.filter(resolved_at__isnull=True)[:PAGE_SIZE]
    resolved = DeadLetter.objects.filter(resolved_at__isnull=False).select_related("resolved_by")[
        :20
    ]
    context = {"open_letters": open_letters, "resolved": resolved}
    return TemplateResponse(request, "ops/admin/dead_letters.html", context)


@require_POST
def resolve_dead_letter(request, letter_id: int):
    """``action=retry`` enqueues the task again from its first attempt; ``dismiss`` files it."""
    _require_editor(request)
    letter = get_object_or_404(DeadLetter, pk=letter_id, resolved_at__isnull=True)
    action = request.POST.get("action")
    if action == "retry":
        try:
            retries.retry_dead_letter(letter, request.user)
        except Exception as exc:  # the queue is down: say so, keep the letter open
            messages.error(request, f"Could not enqueue the task again ({type(exc).__name__}).")
        else:
            messages.success(request, f"{letter.task_name} {letter.args} enqueued again.")
    elif action == "dismiss":
        retries.dismiss_dead_letter(letter, request.user)
        messages.success(request, f"{letter.task_name} {letter.args} dismissed.")
    else:
        messages.error(request, "Choose retry or dismiss.")
    return redirect("dead_letters:list")
