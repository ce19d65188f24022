"""The front-end case form. Errors are specific and keep what the author typed.

The form is shown in four sections (``SECTIONS``) with a progress indicator. The diagnosis
and the differentials are typed as text, so that a typeahead over condition names and
synonyms can help in the browser and the form still works without JavaScript:
``cases.conditions`` resolves what was typed.
"""

from dataclasses import dataclass

from django import forms
from django.core.validators import MaxLengthValidator

from . import conditions
from .models import BodySystem, CasePage, Condition, Specialty
from .models.consent import ConsentBasis
from .services import CASE_FIELDS, CaseData

MAX_TAGS = 8
MAX_TAG_LENGTH = 40
MAX_DIFFERENTIALS = 10
MAX_DIFFERENTIAL_LENGTH = 200
MAX_SECTION_LENGTH = 20_000


@dataclass(frozen=True)
class Section:
    """One part of the case form: its anchor, heading, a line of guidance and its fields."""

    slug: str
    title: str
    intro: str
    fields: tuple[str, ...]


SECTIONS = (
    Section(
        "patient",
        "Patient and presentation",
        "Who the patient is, in bands, and how they presented. Never a name, a date of birth, "
        "an address, a record number or an exact date.",
        ("title", "summary", "age_band", "sex", "specialty", "body_systems", "history"),
    ),
    Section(
        "findings",
        "Findings",
        "What examination and investigations showed. Add the images themselves in the Images "
        "section once the draft is saved.",
        ("examination", "imaging_findings"),
    ),
    Section(
        "diagnosis",
        "Diagnosis",
        "Type a few letters or an abbreviation (MI, PE) and choose from the list.",
        ("diagnosis", "certainty", "differentials", "case_mode"),
    ),
    Section(
        "teaching",
        "Teaching",
        "What happened, and what a peer should take away.",
        ("management_outcome", "learning_points", "discussion_references", "tag_text", "licence"),
    ),
)


def _suggestion_text(candidates: list[Condition]) -> str:
    return ", ".join(c.name for c in candidates)


class ConditionNameField(forms.Field):
    """A condition typed by name or synonym; cleans to the ``Condition``."""

    widget = forms.TextInput

    def prepare_value(self, value):
        if isinstance(value, Condition):
            return value.name
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = Condition.objects.filter(pk=value).first()
            return found.name if found else ""
        return value

    def to_python(self, value):
        text = " ".join(str(value or "").split())
        if not text:
            return None
        condition, candidates = conditions.resolve(text)
        if condition:
            return condition
        if candidates:
            raise forms.ValidationError(
                f"“{text}” is not one condition. Choose one of: {_suggestion_text(candidates)}."
            )
        raise forms.ValidationError(
            f"No condition called “{text}” is in the list. Check the spelling, or choose the "
            "closest condition and say more in the text."
        )


class CaseForm(forms.ModelForm):
    title = forms.CharField(max_length=120, help_text="What a peer should know at a glance.")
    diagnosis = ConditionNameField(
        label="Diagnosis",
        help_text="The condition, by name or abbreviation.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-condition-input": "single"}),
    )
    body_systems = forms.ModelMultipleChoiceField(
        queryset=BodySystem.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    differentials = forms.CharField(
        label="Differential diagnoses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-condition-input": "multiple"}),
        help_text=(
            "One per line. A condition from the list is linked to it; anything else is kept "
            f"as you wrote it. At most {MAX_DIFFERENTIALS}."
        ),
    )
    tag_text = forms.CharField(
        label="Tags", required=False, help_text="Comma-separated, e.g. ECG, classic presentation."
    )

    class Meta:
        model = CasePage
        fields = [name for name in CASE_FIELDS if name != "diagnosis"]
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
            # Values passed in ``initial`` (restored from autosave) win over the saved ones.
            self.initial.setdefault("diagnosis", page.diagnosis if page.diagnosis_id else None)
            self.initial.setdefault("body_systems", list(page.body_systems.all()))
            self.initial.setdefault("tag_text", ", ".join(t.name for t in page.tags.all()))
            self.initial.setdefault(
                "differentials", "\n".join(str(d) for d in page.differentials.all())
            )

    def sections(self):
        """(section, its bound fields, whether its required fields are filled), in order."""
        return [
            (section, [self[name] for name in section.fields], self._filled(section))
            for section in SECTIONS
        ]

    def _filled(self, section: Section) -> bool:
        for name in section.fields:
            value = self[name].value()
            if self.fields[name].required and (value is None or not str(value).strip()):
                return False
            if self.fields[name].required and isinstance(value, list | tuple) and not value:
                return False
        return True

    def clean_tag_text(self):
        tags = [t.strip().lower() for t in self.cleaned_data["tag_text"].split(",") if t.strip()]
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        too_long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(f"Tags can be at most {MAX_TAG_LENGTH} characters long.")
        return list(dict.fromkeys(tags))

    def clean_differentials(self):
        """Conditions for lines that name one (by name or synonym), text for the others."""
        lines = [" ".join(line.split()) for line in self.cleaned_data["differentials"].splitlines()]
        lines = list(dict.fromkeys(line for line in lines if line))
        if len(lines) > MAX_DIFFERENTIALS:
            raise forms.ValidationError(f"List at most {MAX_DIFFERENTIALS} differential diagnoses.")
        if any(len(line) > MAX_DIFFERENTIAL_LENGTH for line in lines):
            raise forms.ValidationError(
                f"Each differential can be at most {MAX_DIFFERENTIAL_LENGTH} characters long."
            )
        resolved = [conditions.resolve(line)[0] or line for line in lines]
        return list(dict.fromkeys(resolved))

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
            differentials=data["differentials"],
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
