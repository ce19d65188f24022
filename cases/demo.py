"""The demo site: users, taxonomy and synthetic cases (no real patient data). Idempotent."""

import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from accounts.models import ClinicianProfile, Profession, RegistrationBody, Verification
from accounts.roles import CLINICIAN, EDITOR, MODERATOR

from .demo_media import seed_media
from .models import BodySystem, CasePage, Condition, Specialty
from .portability import ImportReport, import_records

DATA_DIR = Path(__file__).parent / "demo_data"

DEMO_USERS = {
    "demo-editor": {"role": EDITOR, "status": None},
    "demo-clinician": {"role": CLINICIAN, "status": Verification.VERIFIED},
    "demo-pending": {"role": None, "status": Verification.PENDING},
    "demo-moderator": {"role": MODERATOR, "status": None},
}


def _load(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _ensure_named(model, names) -> None:
    existing = set(model.objects.values_list("name", flat=True))
    model.objects.bulk_create(
        [model(name=name, slug=slugify(name)[:120]) for name in names if name not in existing]
    )


@transaction.atomic
def seed_taxonomy() -> dict[str, int]:
    """Create missing terms and refresh condition synonyms and codes, in bulk."""
    _ensure_named(Specialty, _load("specialties.json"))
    _ensure_named(BodySystem, _load("body_systems.json"))
    conditions = _load("conditions.json")
    _ensure_named(Condition, [item["name"] for item in conditions])
    by_name = {c.name: c for c in Condition.objects.all()}
    changed = []
    for item in conditions:
        condition = by_name[item["name"]]
        wanted = (
            "\n".join(item.get("synonyms", [])),
            item.get("icd10", ""),
            item.get("snomed", ""),
        )
        if (condition.synonyms, condition.icd10_code, condition.snomed_code) != wanted:
            condition.synonyms, condition.icd10_code, condition.snomed_code = wanted
            changed.append(condition)
    Condition.objects.bulk_update(changed, ["synonyms", "icd10_code", "snomed_code"])
    return {
        "specialties": Specialty.objects.count(),
        "body systems": BodySystem.objects.count(),
        "conditions": Condition.objects.count(),
    }


@transaction.atomic
def seed_users(password: str) -> None:
    User = get_user_model()
    for number, (username, spec) in enumerate(DEMO_USERS.items(), start=1):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@casebook.invalid"}
        )
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if spec["role"]:
            user.groups.add(Group.objects.get(name=spec["role"]))
        if spec["status"]:
            ClinicianProfile.objects.update_or_create(
                user=user,
                defaults={
                    "full_name": f"Demo {username.split('-')[1].title()}",
                    "display_name": f"Dr Demo {number}",
                    "profession": Profession.DOCTOR,
                    "country": "United Kingdom",
                    "registration_body": RegistrationBody.OTHER,
                    "registration_body_other": "Casebook demo",
                    "registration_number": f"DEMO-{number}",
                    "workplace": "Demo teaching hospital",
                    "status": spec["status"],
                },
            )


def seed_cases() -> ImportReport:
    """Import the demo cases that are not there yet; edits made since are kept."""
    existing = set(CasePage.objects.values_list("external_id", flat=True))
    records = [r for r in _load("cases.json")["cases"] if r.get("external_id") not in existing]
    return import_records(records)


def seed_demo(
    password: str | None = None, *, media: bool = True
) -> tuple[dict[str, int], ImportReport]:
    """Users, taxonomy, cases, their discussion, curation and (with ``media``) the cases'
    images."""
    from curation.demo import seed_curation
    from discussion.demo import seed_discussion

    password = password or settings.CASEBOOK_DEMO_PASSWORD
    seed_users(password)
    counts = seed_taxonomy()
    report = seed_cases()
    counts.update(seed_discussion(password))
    counts.update(seed_curation())
    if media and not report.errors:
        editor = get_user_model().objects.get(username="demo-editor")
        counts["cases given images"] = seed_media(editor)
    return counts, report
