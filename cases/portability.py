"""Cases in and out as JSON (docs/case-format.md): validate every record, then write.

Import is idempotent by ``external_id``: importing the same file twice updates, never
duplicates. A bad record is reported with its index and reason and nothing of it is written.
"""

import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import BodySystem, CaseConsent, CasePage, Condition, Specialty
from .models.choices import AgeBand, CaseMode, Certainty, Licence, Sex
from .models.consent import ConsentBasis

FORMAT = "casebook.cases"
VERSION = 1
TEXT_LIMITS = {
    "title": 120,
    "summary": 250,
    "history": 20_000,
    "examination": 20_000,
    "imaging_findings": 20_000,
    "management_outcome": 20_000,
    "learning_points": 20_000,
    "discussion_references": 20_000,
}
REQUIRED_TEXT = (
    "title",
    "summary",
    "history",
    "examination",
    "management_outcome",
    "learning_points",
)
CHOICES = {
    "certainty": Certainty,
    "age_band": AgeBand,
    "sex": Sex,
    "case_mode": CaseMode,
    "licence": Licence,
    "consent": ConsentBasis,
}
STATUSES = ("draft", "published")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not JSON, wrong format or version)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ValidRecord:
    external_id: str
    author: object
    status: str
    consent: str
    data: services.CaseData


def load_file(path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError as exc:
        raise ImportFileError(f"No file at {path}.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path} is not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFileError(f'The file is not a Casebook case file (need "format": "{FORMAT}").')
    if document.get("version") != VERSION:
        raise ImportFileError(f"Unsupported version {document.get('version')!r}; need {VERSION}.")
    records = document.get("cases")
    if not isinstance(records, list):
        raise ImportFileError('"cases" must be a list of case records.')
    return records


class _Lookups:
    """Taxonomy and users by name, loaded once per import."""

    def __init__(self):
        self.conditions = {c.name.casefold(): c for c in Condition.objects.all()}
        self.specialties = {s.name.casefold(): s for s in Specialty.objects.all()}
        self.body_systems = {b.name.casefold(): b for b in BodySystem.objects.all()}
        self.users = {u.username: u for u in get_user_model().objects.all()}


def _text(record, name, problems):
    value = record.get(name, "")
    if not isinstance(value, str):
        problems.append(f"{name} must be text")
        return ""
    if name in REQUIRED_TEXT and not value.strip():
        problems.append(f"{name} is required")
    if len(value) > TEXT_LIMITS[name]:
        problems.append(f"{name} is longer than {TEXT_LIMITS[name]} characters")
    return value


def _validate(record, lookups: _Lookups) -> tuple[ValidRecord | None, list[str]]:
    if not isinstance(record, dict):
        return None, ["a record must be a JSON object"]
    problems: list[str] = []
    fields = {name: _text(record, name, problems) for name in TEXT_LIMITS}
    for name, choices in CHOICES.items():
        value = record.get(name, Licence.CC_BY_NC_SA_4 if name == "licence" else None)
        if value not in choices.values:
            problems.append(f"{name} must be one of {', '.join(choices.values)}")
        elif name != "consent":
            fields[name] = value

    def term(table, kind, name):
        found = table.get(str(name).casefold()) if isinstance(name, str) else None
        if found is None:
            problems.append(f"unknown {kind} {name!r}")
        return found

    fields["diagnosis"] = term(lookups.conditions, "condition", record.get("diagnosis"))
    fields["specialty"] = term(lookups.specialties, "specialty", record.get("specialty"))
    systems = record.get("body_systems")
    if not isinstance(systems, list) or not systems:
        problems.append("body_systems must be a non-empty list of names")
        systems = []
    body_systems = [term(lookups.body_systems, "body system", name) for name in systems]
    differentials = record.get("differentials", [])
    if not isinstance(differentials, list) or not all(isinstance(d, str) for d in differentials):
        problems.append("differentials must be a list of names or free text")
        differentials = []
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and len(t) <= 40 for t in tags):
        problems.append("tags must be a list of texts of at most 40 characters")
        tags = []
    external_id = record.get("external_id")
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id) > 64:
        problems.append("external_id must be a non-empty text of at most 64 characters")
    author = lookups.users.get(record.get("author"))
    if author is None:
        problems.append(f"unknown author {record.get('author')!r}")
    status = record.get("status")
    if status not in STATUSES:
        problems.append('status must be "draft" or "published"')
    if problems:
        return None, problems
    return (
        ValidRecord(
            external_id=external_id,
            author=author,
            status=status,
            consent=record["consent"],
            data=services.CaseData(
                fields=fields,
                body_systems=body_systems,
                tags=[t.strip().lower() for t in tags if t.strip()],
                differentials=[lookups.conditions.get(d.casefold(), d) for d in differentials],
            ),
        ),
        [],
    )


def validate_records(records: list) -> tuple[list[ValidRecord], list[tuple[int, str]]]:
    lookups = _Lookups()
    valid, errors = [], []
    seen: set[str] = set()
    for index, record in enumerate(records):
        result, problems = _validate(record, lookups)
        if result and result.external_id in seen:
            problems = [f"external_id {result.external_id!r} appears twice in the file"]
        if problems:
            errors.append((index, "; ".join(problems)))
        else:
            seen.add(result.external_id)
            valid.append(result)
    return valid, errors


@transaction.atomic
def _write(record: ValidRecord) -> bool:
    """Create or update one case; returns True when it was created."""
    page = CasePage.objects.filter(external_id=record.external_id).first()
    created = page is None
    if created:
        page = services.create_draft(record.author, record.data, external_id=record.external_id)
    else:
        page = services.update_draft(page, record.author, record.data)
    services.record_consent(page, record.author, record.consent)
    # Importing is an operator's action (manage.py), so the author's own publishing rights
    # do not apply; the record's status decides.
    if record.status == "published":
        page.get_latest_revision().publish(user=record.author, skip_permission_checks=True)
    elif page.live:
        page.unpublish(user=record.author)
    return created


def import_records(records: list) -> ImportReport:
    valid, errors = validate_records(records)
    report = ImportReport(errors=errors)
    for record in valid:
        if _write(record):
            report.created += 1
        else:
            report.updated += 1
    return report


def export_records(queryset=None) -> dict:
    pages = queryset if queryset is not None else CasePage.objects.all()
    records = []
    for page in pages.order_by("pk"):
        case = page if page.live else page.get_latest_revision_as_object()
        consent = page_consent(page)
        records.append(
            {
                "external_id": page.external_id or f"casebook-{page.pk}",
                **{name: getattr(case, name) for name in TEXT_LIMITS},
                "diagnosis": case.diagnosis.name,
                "certainty": case.certainty,
                "differentials": [str(d) for d in case.differentials.all()],
                "specialty": case.specialty.name,
                "body_systems": sorted(b.name for b in case.body_systems.all()),
                "age_band": case.age_band,
                "sex": case.sex,
                "tags": sorted(t.name for t in case.tags.all()),
                "case_mode": case.case_mode,
                "licence": case.licence,
                "author": page.owner.username if page.owner_id else None,
                "status": "published" if page.live else "draft",
                "consent": consent,
            }
        )
    return {"format": FORMAT, "version": VERSION, "cases": records}


def page_consent(page) -> str | None:
    latest = CaseConsent.objects.filter(page=page).order_by("-confirmed_at").first()
    return latest.basis if latest else ConsentBasis.NOT_IDENTIFIABLE.value
