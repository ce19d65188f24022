"""The demo site: users, taxonomy and synthetic cases (no real patient data). Idempotent."""

import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import ClinicianProfile, Profession, RegistrationBody, Verification
from accounts.roles import CLINICIAN, EDITOR

from .models import BodySystem, CasePage, Condition, Specialty
from .portability import ImportReport, import_records

DATA_DIR = Path(__file__).parent / "demo_data"

DEMO_USERS = {
    "demo-editor": {"role": EDITOR, "status": None},
    "demo-clinician": {"role": CLINICIAN, "status": Verification.VERIFIED},
    "demo-pending": {"role": None, "status": Verification.PENDING},
}


def _load(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def seed_taxonomy() -> dict[str, int]:
    for name in _load("specialties.json"):
        Specialty.objects.get_or_create(name=name)
    for name in _load("body_systems.json"):
        BodySystem.objects.get_or_create(name=name)
    for item in _load("conditions.json"):
        Condition.objects.update_or_create(
            name=item["name"],
            defaults={
                "synonyms": "\n".join(item.get("synonyms", [])),
                "icd10_code": item.get("icd10", ""),
                "snomed_code": item.get("snomed", ""),
            },
        )
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


def seed_demo(password: str | None = None) -> tuple[dict[str, int], ImportReport]:
    seed_users(password or settings.CASEBOOK_DEMO_PASSWORD)
    counts = seed_taxonomy()
    return counts, seed_cases()
