"""The front-end case form. Errors are specific and keep what the author typed."""

from django import forms
from django.core.validators import MaxLengthValidator

from .models import BodySystem, CasePage, Condition, Specialty
from .models.consent import ConsentBasis
from .services import CASE_FIELDS, CaseData

MAX_TAGS = 8
MAX_TAG_LENGTH = 40
MAX_DIFFERENTIALS = 10
MAX_SECTION_LENGTH = 20_000


class CaseForm(forms.ModelForm):
    title = forms.CharField(max_length=120, help_text="What a peer should know at a glance.")
    body_systems = forms.ModelMultipleChoiceField(
        queryset=BodySystem.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    differential_conditions = forms.ModelMultipleChoiceField(
        label="Differential diagnoses (from the list)",
        queryset=Condition.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    differential_text = forms.CharField(
        label="Other differential diagnoses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, for diagnoses not in the list.",
    )
    tag_text = forms.CharField(
        label="Tags", required=False, help_text="Comma-separated, e.g. ECG, classic presentation."
    )

    class Meta:
        model = CasePage
        fields = list(CASE_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in (
                "history",
                "examination",
                "imaging_findings",
                "management_outcome",
                "learning_points",
                "discussion_references",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = Specialty.objects.all()
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and name in CASE_FIELDS:
                field.validators.append(MaxLengthValidator(MAX_SECTION_LENGTH))
        page = self.instance
        if page.pk:
            self.initial["body_systems"] = list(page.body_systems.all())
            self.initial["tag_text"] = ", ".join(t.name for t in page.tags.all())
            diffs = list(page.differentials.all())
            self.initial["differential_conditions"] = [d.condition for d in diffs if d.condition_id]
            self.initial["differential_text"] = "\n".join(
                d.free_text for d in diffs if not d.condition_id
            )

    def clean_tag_text(self):
        tags = [t.strip().lower() for t in self.cleaned_data["tag_text"].split(",") if t.strip()]
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        too_long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(f"Tags can be at most {MAX_TAG_LENGTH} characters long.")
        return list(dict.fromkeys(tags))

    def clean_differential_text(self):
        lines = [line.strip() for line in self.cleaned_data["differential_text"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError("Each differential can be at most 200 characters long.")
        return lines

    def clean(self):
        data = super().clean()
        count = len(data.get("differential_conditions") or []) + len(
            data.get("differential_text") or []
        )
        if count > MAX_DIFFERENTIALS:
            self.add_error(None, f"List at most {MAX_DIFFERENTIALS} differential diagnoses.")
        return data

    def _post_clean(self):
        # The page is saved through services as a revision, not by ModelForm; full page
        # validation (slug, path) happens there.
        pass

    def case_data(self) -> CaseData:
        data = self.cleaned_data
        return CaseData(
            fields={name: data[name] for name in CASE_FIELDS},
            body_systems=list(data["body_systems"]),
            tags=data["tag_text"],
            differentials=[*data["differential_conditions"], *data["differential_text"]],
        )


class SubmitForm(forms.Form):
    consent = forms.ChoiceField(
        label="Consent",
        choices=ConsentBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Confirm consent, or that the case cannot identify the patient."
        },
    )
    confirm = forms.BooleanField(
        label=(
            "I confirm that the text and media contain no name, date of birth, address, "
            "record number or other identifier of the patient."
        ),
        error_messages={"required": "Please confirm that the case contains no identifiers."},
    )
