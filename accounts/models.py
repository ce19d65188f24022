"""Users, clinician profiles and their verification state."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper

from .roles import EDITOR, MODERATOR


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)

    @property
    def is_editor(self) -> bool:
        return self.is_superuser or self._in_group(EDITOR)

    @property
    def is_moderator(self) -> bool:
        """Moderators work the flag queue; editors may too."""
        return self.is_editor or self._in_group(MODERATOR)

    @property
    def can_view_cases(self) -> bool:
        """Verified clinicians, editors and moderators see cases, media and discussion."""
        if not self.is_active:
            return False
        # Verification is the source of truth (it also manages the Clinician group); checking
        # it first spares verified clinicians a group query on every page.
        return self.verification_status == Verification.VERIFIED or self.is_moderator

    @property
    def verification_status(self) -> str | None:
        profile = getattr(self, "clinician_profile", None)
        return profile.status if profile else None

    def _in_group(self, name: str) -> bool:
        cache = getattr(self, "_group_names", None)
        if cache is None:
            cache = self._group_names = set(self.groups.values_list("name", flat=True))
        return name in cache


class Profession(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    NURSE = "nurse", "Nurse"
    ALLIED = "allied", "Allied health professional"
    STUDENT = "student", "Student"
    OTHER = "other", "Other"


class RegistrationBody(models.TextChoices):
    GMC = "GMC", "GMC (UK doctors)"
    NMC = "NMC", "NMC (UK nurses and midwives)"
    HCPC = "HCPC", "HCPC (UK allied health professionals)"
    NPI = "NPI", "NPI (US)"
    OTHER = "other", "Other (name it)"


class Verification(models.TextChoices):
    PENDING = "pending", "Pending"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class ClinicianProfile(models.Model):
    """What a clinician tells us about themselves. The workplace is never shown to peers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_profile"
    )
    full_name = models.CharField(max_length=150)
    display_name = models.CharField(
        max_length=60, help_text="How peers see you next to your cases and comments."
    )
    profession = models.CharField(max_length=20, choices=Profession.choices)
    specialty = models.ForeignKey(
        "cases.Specialty", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    country = models.CharField(max_length=80)
    registration_body = models.CharField(max_length=10, choices=RegistrationBody.choices)
    registration_body_other = models.CharField(
        "other registration body", max_length=80, blank=True, default=""
    )
    registration_number = models.CharField(max_length=40)
    workplace = models.CharField(
        max_length=200, help_text="Private: only editors see it, to check your registration."
    )

    status = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    rejection_reason = models.TextField(blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "registration_body",
                Upper("registration_body_other"),
                Upper("registration_number"),
                name="unique_registration_per_body",
                violation_error_message=(
                    "This registration number is already registered with that body."
                ),
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.display_name} ({self.get_status_display()})"

    @property
    def registration_label(self) -> str:
        if self.registration_body == RegistrationBody.OTHER:
            return self.registration_body_other
        return self.registration_body
