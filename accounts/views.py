"""Profile pages for clinicians and the verification queue for editors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from cms.admin_queues import QueueFilter, run_queue

from . import services
from .forms import ProfileEditForm, RejectForm
from .models import ClinicianProfile, Profession, RegistrationBody, Verification


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = getattr(request.user, "clinician_profile", None)
    if profile is None:
        return TemplateResponse(request, "accounts/no_profile.html", status=404)
    form = ProfileEditForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return TemplateResponse(request, "accounts/profile.html", {"form": form, "profile": profile})


def _require_editor(request):
    if not (request.user.is_authenticated and request.user.is_editor):
        raise PermissionDenied


def verification_queue(request):
    """Wagtail admin view: pending applications, sortable, filterable and paged."""
    _require_editor(request)
    queue = run_queue(
        request,
        ClinicianProfile.objects.filter(status=Verification.PENDING).select_related(
            "user", "specialty"
        ),
        sorts={
            "oldest": ("Waiting longest first", ("created_at", "pk")),
            "newest": ("Newest first", ("-created_at", "-pk")),
            "name": ("By name", ("full_name", "pk")),
        },
        default="oldest",
        filters=[
            QueueFilter(
                "profession",
                "Profession",
                tuple(Profession.choices),
                lambda value: {"profession": value},
            ),
            QueueFilter(
                "body",
                "Registration body",
                tuple(RegistrationBody.choices),
                lambda value: {"registration_body": value},
            ),
        ],
    )
    return TemplateResponse(
        request,
        "accounts/admin/verification_queue.html",
        {"queue": queue, "pending": queue.page, "reject_form": RejectForm()},
    )


@require_POST
def verify(request, profile_id: int):
    _require_editor(request)
    profile = get_object_or_404(ClinicianProfile, pk=profile_id)
    services.verify_clinician(profile, by=request.user)
    messages.success(request, f"{profile.full_name} is now verified.")
    return redirect("accounts_verification_queue")


@require_POST
def reject(request, profile_id: int):
    _require_editor(request)
    profile = get_object_or_404(ClinicianProfile, pk=profile_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason: the applicant sees it and can correct it.")
        return redirect("accounts_verification_queue")
    services.reject_clinician(profile, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"{profile.full_name} was told why they were not verified.")
    return redirect("accounts_verification_queue")
