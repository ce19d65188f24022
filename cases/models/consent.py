"""The author's consent attestation, kept with who made it and when."""

from django.conf import settings
from django.db import models


class ConsentBasis(models.TextChoices):
    CONSENT_OBTAINED = "consent_obtained", "The patient (or their representative) gave consent"
    NOT_IDENTIFIABLE = "not_identifiable", "The case cannot identify the patient"


class CaseConsent(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=20, choices=ConsentBasis.choices)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at"]

    def __str__(self):
        return f"{self.get_basis_display()} ({self.confirmed_at:%Y-%m-%d})"
