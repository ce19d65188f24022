"""The notification pages: the list, opening one (marks it read), marking all read, email
preferences, and the signed one-click unsubscribe link from emails."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import services
from notifications.models import EmailFrequency, Event, Notification

PAGE_SIZE = 50


def _mine(user):
    return Notification.objects.filter(recipient=user).visible()


@login_required
@require_GET
def notification_list(request):
    rows = _mine(request.user).select_related(
        "actor__clinician_profile", "page", "comment", "proposal"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.text = services.describe(row)
    return TemplateResponse(request, "notifications/list.html", {"notifications": page})


@login_required
@require_POST
def open_notification(request, notification_id: int):
    """Mark one notification read and go to what it is about."""
    row = get_object_or_404(_mine(request.user).select_related("page"), pk=notification_id)
    services.mark_read(request.user, [row.pk])
    if row.event == Event.COLLECTION_SHARED:
        return redirect("curation:saved")
    if row.page is None:
        return redirect("notifications:list")
    if row.event == Event.SAVED_SEARCH:  # about the case itself, not its discussion
        return redirect(row.page.url)
    anchor = (
        f"#comment-{row.comment_id}"
        if row.comment_id
        else f"#proposal-{row.proposal_id}"
        if row.proposal_id
        else "#discussion"
    )
    return redirect(row.page.url + anchor)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications:list")


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        label="Email me about new notifications",
        help_text="Emails say who did what and link to Casebook; they never contain case text.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"email": current.email})
    if request.method == "POST" and form.is_valid():
        services.set_email_frequency(request.user, form.cleaned_data["email"])
        messages.success(request, "Email preference saved.")
        return redirect("notifications:preferences")
    return TemplateResponse(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the credential; mail clients POST it (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a button; POST (the button, or a mail client's one-click) unsubscribes."""
    user = services.user_for_unsubscribe_token(token)
    if user is None:
        context = {"invalid": True}
        return TemplateResponse(request, "notifications/unsubscribe.html", context, status=400)
    done = request.method == "POST"
    if done:
        services.set_email_frequency(user, EmailFrequency.NONE)
    return TemplateResponse(request, "notifications/unsubscribe.html", {"done": done})
