"""Likely identifiers in what authors write: check texts, honour "not an identifier".

``check_texts`` is the one call for any text a person posts (case fields, comments,
proposals): it runs the core checker (``media_pipeline.core.privacy.text``) on each text and
marks the findings the author has already confirmed as not identifiers. What is left
unconfirmed must be fixed or confirmed before the text reaches peers.

For a case, the texts are every field of its latest revision (title, summary, the clinical
sections, free-text differentials, tags and image captions) plus what the text check found in
the names of uploaded files (kept as kinds only, never as the name). Confirmations are kept
per case (``IdentifierConfirmation``) by kind and text, so confirming "Parkinson 1817" once
covers it wherever it appears in the case; editors see them in the review.
"""

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from media_pipeline.core.privacy.text import KIND_LABELS, find_identifiers

from .models import CasePage, IdentifierConfirmation

#: Characters of context shown either side of a finding.
EXCERPT = 40
MAX_CONFIRMED_TEXT = 200

CASE_TEXT_FIELDS = (
    ("title", "Title"),
    ("summary", "One-line summary"),
    ("history", "Presentation and clinical history"),
    ("examination", "Examination and investigations"),
    ("imaging_findings", "Imaging findings"),
    ("management_outcome", "Management and outcome"),
    ("learning_points", "Learning points"),
    ("discussion_references", "Discussion and references"),
)


@dataclass(frozen=True)
class TextFinding:
    """A finding in one named text, with the excerpt around it for display."""

    field: str
    field_label: str
    kind: str
    start: int
    end: int
    text: str
    before: str
    after: str
    confirmed: bool = False

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "an identifier")

    @property
    def key(self) -> str:
        """What a "not an identifier" button posts: ``kind:text``."""
        return f"{self.kind}:{confirmation_text(self.text)}"


def confirmation_text(text: str) -> str:
    """The form a confirmation is stored and compared in: invisible characters dropped,
    whitespace collapsed, NFC, at most 200 characters."""
    visible = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return unicodedata.normalize("NFC", " ".join(visible.split()))[:MAX_CONFIRMED_TEXT]


def parse_confirmations(keys: Iterable[str]) -> set[tuple[str, str]]:
    """``{(kind, text)}`` from posted ``kind:text`` keys; malformed keys are ignored."""
    confirmed = set()
    for key in keys:
        kind, sep, text = str(key).partition(":")
        if sep and kind in KIND_LABELS and text:
            confirmed.add((kind, confirmation_text(text)))
    return confirmed


def check_texts(
    texts: Mapping[str, str],
    confirmed: Collection[tuple[str, str]] = (),
    labels: Mapping[str, str] | None = None,
) -> list[TextFinding]:
    """Every finding in ``texts`` (name -> text), in order of name then position.

    ``confirmed`` holds (kind, text) pairs the author said are not identifiers (see
    ``parse_confirmations``); matching findings come back with ``confirmed=True``.
    """
    labels = labels or {}
    findings = []
    for name, text in texts.items():
        for finding in find_identifiers(text or ""):
            key = (finding.kind, confirmation_text(finding.text))
            findings.append(
                TextFinding(
                    field=name,
                    field_label=labels.get(name, name),
                    kind=finding.kind,
                    start=finding.start,
                    end=finding.end,
                    text=finding.text,
                    before=_excerpt_before(text, finding.start),
                    after=_excerpt_after(text, finding.end),
                    confirmed=key in confirmed,
                )
            )
    return findings


def unconfirmed(findings: Iterable) -> list:
    return [finding for finding in findings if not finding.confirmed]


def _excerpt_before(text: str, start: int) -> str:
    cut = max(0, start - EXCERPT)
    return ("…" if cut else "") + text[cut:start]


def _excerpt_after(text: str, end: int) -> str:
    cut = min(len(text), end + EXCERPT)
    return text[end:cut] + ("…" if cut < len(text) else "")


# --- cases ---------------------------------------------------------------------------------


def case_texts(draft: CasePage) -> tuple[dict[str, str], dict[str, str]]:
    """(texts, labels) of every author-written text of a case version."""
    texts = {name: getattr(draft, name) or "" for name, _ in CASE_TEXT_FIELDS}
    labels = dict(CASE_TEXT_FIELDS)
    for number, differential in enumerate(draft.differentials.all(), start=1):
        if not differential.condition_id and differential.free_text:
            texts[f"differential-{number}"] = differential.free_text
            labels[f"differential-{number}"] = f"Differential {number}"
    tags = ", ".join(tag.name for tag in draft.tags.all())
    if tags:
        texts["tags"], labels["tags"] = tags, "Tags"
    for number, link in enumerate(draft.media.all(), start=1):
        if link.caption:
            texts[f"caption-{link.item_id}"] = link.caption
            labels[f"caption-{link.item_id}"] = f"Caption of image {number}"
    return texts, labels


@dataclass(frozen=True)
class FileNameFinding:
    """What the text check found in an uploaded file's name: kinds only, never the name."""

    file_id: int
    file_label: str
    kinds: tuple[str, ...]
    confirmed: bool

    @property
    def labels(self) -> list[str]:
        return [KIND_LABELS.get(kind, "an identifier") for kind in self.kinds]


def file_name_findings(page: CasePage) -> list[FileNameFinding]:
    from media_pipeline.models import UploadedFile, UploadStatus

    files = (
        UploadedFile.objects.filter(upload__page=page)
        .exclude(status=UploadStatus.FAILED)
        .exclude(name_findings=[])
        .select_related("upload")
    )
    return [
        FileNameFinding(
            file_id=record.pk,
            file_label=record.label,
            kinds=tuple(dict.fromkeys(entry["kind"] for entry in record.name_findings)),
            confirmed=record.names_confirmed_at is not None,
        )
        for record in files
    ]


@dataclass(frozen=True)
class CaseCheck:
    """The text check of a case's latest version: findings in text and in file names."""

    findings: list[TextFinding]
    file_names: list[FileNameFinding]

    @property
    def open_count(self) -> int:
        return len(unconfirmed(self.findings)) + len(unconfirmed(self.file_names))

    @property
    def confirmed_findings(self) -> list[TextFinding]:
        return [finding for finding in self.findings if finding.confirmed]


def check_case(page: CasePage, draft: CasePage | None = None) -> CaseCheck:
    """Check ``draft`` (default: the latest revision of ``page``) and its uploads' names."""
    draft = draft or page.get_latest_revision_as_object()
    texts, labels = case_texts(draft)
    confirmed = set(IdentifierConfirmation.objects.filter(page=page).values_list("kind", "text"))
    return CaseCheck(check_texts(texts, confirmed, labels), file_name_findings(page))


def require_no_open_findings(page: CasePage) -> None:
    """Raise ValidationError while a finding of the case is neither fixed nor confirmed."""
    count = check_case(page).open_count
    if count:
        raise ValidationError(
            f"The case still has {count} possible identifier{'s' if count != 1 else ''} "
            "(highlighted on the edit page). Remove each one, or confirm that it is not an "
            "identifier, before you submit.",
            code="open_identifiers",
        )


def confirm_not_identifier(page: CasePage, user, key: str) -> IdentifierConfirmation:
    """Record the author's "not an identifier" for the finding ``key`` (``kind:text``).

    Raises ValidationError when the latest version has no such finding (a stale page, or a
    forged request): only what the check actually found can be confirmed.
    """
    parsed = parse_confirmations([key])
    if not parsed:
        raise ValidationError("That is not a finding of the text check.", code="bad_key")
    (kind, text) = parsed.pop()
    current = {(f.kind, confirmation_text(f.text)) for f in check_case(page).findings}
    if (kind, text) not in current:
        raise ValidationError(
            "The case no longer contains that text; nothing was confirmed.", code="stale"
        )
    try:
        with transaction.atomic():
            return IdentifierConfirmation.objects.create(
                page=page, kind=kind, text=text, confirmed_by=user
            )
    except IntegrityError:  # confirmed already (a double click)
        return IdentifierConfirmation.objects.get(page=page, kind=kind, text=text)


def withdraw_confirmation(page: CasePage, key: str) -> None:
    """Undo a "not an identifier": the finding blocks submission again."""
    for kind, text in parse_confirmations([key]):
        IdentifierConfirmation.objects.filter(page=page, kind=kind, text=text).delete()


def confirm_file_names(page: CasePage, user, file_id: int) -> None:
    """The author says the name of uploaded file ``file_id`` held no identifier."""
    from django.utils import timezone

    from media_pipeline.models import UploadedFile

    updated = (
        UploadedFile.objects.filter(pk=file_id, upload__page=page)
        .exclude(name_findings=[])
        .update(names_confirmed_by=user, names_confirmed_at=timezone.now())
    )
    if not updated:
        raise ValidationError("No uploaded file of this case has that number.", code="bad_file")
