"""Sign-up and profile forms. Errors are specific and keep what the user typed."""

from django import forms
from django.db.models.functions import Upper
from django.forms.models import fields_for_model

from . import services
from .models import ClinicianProfile, RegistrationBody, Verification

PROFILE_FIELDS = [
    "full_name",
    "display_name",
    "profession",
    "specialty",
    "country",
    "registration_body",
    "registration_body_other",
    "registration_number",
    "workplace",
]
REGISTRATION_FIELDS = ("registration_body", "registration_body_other", "registration_number")
DUPLICATE_REGISTRATION = (
    "This registration number is already registered with that body. If it is yours, "
    "sign in to that account or contact the editors."
)


def clean_registration(form: forms.Form, data: dict, *, exclude_pk=None) -> None:
    """Normalise the registration and refuse one already used for the same body."""
    body = data.get("registration_body")
    other = (data.get("registration_body_other") or "").strip()
    number = (data.get("registration_number") or "").strip().upper()
    if body == RegistrationBody.OTHER and not other:
        form.add_error("registration_body_other", "Name the body you are registered with.")
    if body and body != RegistrationBody.OTHER:
        other = ""
    data["registration_body_other"] = other
    data["registration_number"] = number
    if not (body and number):
        return
    clash = ClinicianProfile.objects.annotate(
        number_upper=Upper("registration_number"), other_upper=Upper("registration_body_other")
    ).filter(registration_body=body, other_upper=other.upper(), number_upper=number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        form.add_error("registration_number", DUPLICATE_REGISTRATION)


class ClinicianSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form; allauth calls ``signup`` after creating the user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(ClinicianProfile, fields=PROFILE_FIELDS))

    def clean(self):
        data = super().clean()
        clean_registration(self, data)
        return data

    def signup(self, request, user):
        services.create_profile(user, **{name: self.cleaned_data[name] for name in PROFILE_FIELDS})


class ProfileEditForm(forms.ModelForm):
    """Profile edits. Registration details are fixed once verified (an editor changes them)."""

    class Meta:
        model = ClinicianProfile
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status == Verification.VERIFIED:
            for name in REGISTRATION_FIELDS:
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        clean_registration(self, data, exclude_pk=self.instance.pk)
        return data

    def validate_unique(self):
        # clean_registration gives the clinician-facing message; the database constraint
        # remains the last line of defence.
        pass

    def save(self, commit=True):
        original = ClinicianProfile.objects.get(pk=self.instance.pk)
        fields = {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
        return services.update_profile(original, **fields)


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The applicant sees this message.",
    )
