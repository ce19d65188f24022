"""Write operations on accounts: profiles and their verification."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import ClinicianProfile, User, Verification
from .roles import CLINICIAN
from .signals import verification_decided

#: Audit-log actions (Wagtail's site history lists them with the editor who decided).
VERIFIED = "casebook.accounts.verify"
REJECTED = "casebook.accounts.reject"


@transaction.atomic
def create_profile(user: User, **fields) -> ClinicianProfile:
    """Create the clinician profile of a newly signed-up user, awaiting verification."""
    profile = ClinicianProfile(user=user, status=Verification.PENDING, **fields)
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


@transaction.atomic
def update_profile(profile: ClinicianProfile, **fields) -> ClinicianProfile:
    """Save profile edits. Changing the registration of a rejected profile asks again."""
    registration_changed = any(
        getattr(profile, name) != fields[name]
        for name in ("registration_body", "registration_body_other", "registration_number")
        if name in fields
    )
    for name, value in fields.items():
        setattr(profile, name, value)
    if registration_changed and profile.status != Verification.VERIFIED:
        profile.status = Verification.PENDING
        profile.rejection_reason = ""
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


@transaction.atomic
def verify_clinician(profile: ClinicianProfile, *, by: User) -> None:
    profile = ClinicianProfile.objects.select_for_update().get(pk=profile.pk)
    profile.status = Verification.VERIFIED
    profile.rejection_reason = ""
    profile.reviewed_by = by
    profile.reviewed_at = timezone.now()
    profile.save()
    profile.user.groups.add(Group.objects.get(name=CLINICIAN))
    log(instance=profile, action=VERIFIED, user=by)
    verification_decided.send(sender=ClinicianProfile, profile=profile, by=by, verified=True)


@transaction.atomic
def reject_clinician(profile: ClinicianProfile, *, by: User, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Tell the applicant why, so they can correct it."})
    profile = ClinicianProfile.objects.select_for_update().get(pk=profile.pk)
    profile.status = Verification.REJECTED
    profile.rejection_reason = reason
    profile.reviewed_by = by
    profile.reviewed_at = timezone.now()
    profile.save()
    profile.user.groups.remove(Group.objects.get(name=CLINICIAN))
    log(instance=profile, action=REJECTED, user=by, data={"reason": reason})
    verification_decided.send(sender=ClinicianProfile, profile=profile, by=by, verified=False)


def pending_count() -> int:
    return ClinicianProfile.objects.filter(status=Verification.PENDING).count()
