"""Editors' forms for quarantined media: redaction rectangles, or a confirmed release."""

from django import forms

MAX_RECTANGLES = 50


class RedactionForm(forms.Form):
    """Rectangles as one ``x, y, width, height`` line each, in pixels of the image; filled
    in advance with the boxes the automatic checks propose, so accepting them is one click."""

    rectangles = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "0, 0, 512, 40"}),
        help_text=(
            "One rectangle per line: x, y, width, height in image pixels from the top left. "
            "They are blanked in every frame of every image of this series."
        ),
    )

    mode = forms.ChoiceField(
        choices=[("black", "Black boxes"), ("blur", "Blur (photos only)")],
        required=False,
        initial="black",
        label="How to hide them",
    )

    @classmethod
    def for_item(cls, item, data=None):
        """The form for ``item``, its rectangles prefilled from the item's proposals."""
        lines = [f"{p['x']}, {p['y']}, {p['width']}, {p['height']}" for p in item.proposals]
        faces = any(p.get("source") == "face" for p in item.proposals)
        form = cls(
            data, initial={"rectangles": "\n".join(lines), "mode": "blur" if faces else "black"}
        )
        if item.kind != "photo":
            form.fields["mode"].widget = forms.HiddenInput()
        return form

    def clean_rectangles(self) -> list[tuple[int, int, int, int]]:
        lines = [line.strip() for line in self.cleaned_data["rectangles"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError("Give at least one rectangle.")
        if len(lines) > MAX_RECTANGLES:
            raise forms.ValidationError(f"Give at most {MAX_RECTANGLES} rectangles.")
        rectangles = []
        for number, line in enumerate(lines, start=1):
            parts = [part.strip() for part in line.replace(";", ",").split(",")]
            try:
                x, y, width, height = (int(part) for part in parts)
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number} must be four whole numbers: x, y, width, height."
                ) from None
            if width <= 0 or height <= 0 or x < 0 or y < 0:
                raise forms.ValidationError(
                    f"Line {number}: x and y must not be negative; width and height must be "
                    "positive."
                )
            rectangles.append((x, y, width, height))
        return rectangles


class ReleaseForm(forms.Form):
    """Releasing without redaction needs an explicit statement from the editor."""

    confirm = forms.BooleanField(
        required=True,
        label="I have looked at every image of this item and it shows no identifying text.",
    )


class KeepForm(forms.Form):
    """Releasing pixels the checks flagged (a face, text) as they are needs a reason."""

    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it may be shown as it is",
        help_text="E.g. “the face is the point of the case and the patient's consent covers it”.",
    )


class WithdrawForm(forms.Form):
    """Withdrawing an image from peers at once: the reason goes to the case's audit log."""

    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it must go now, e.g. “a name is visible in the corner”. The author sees it.",
    )
