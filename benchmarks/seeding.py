"""Seed the load benchmark's database: published cases, and verified clinicians with a signed-in
session and a draft case of their own to upload to. Idempotent: what exists is kept."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from pathlib import Path

SEARCH_TERMS = [
    "chest pain", "myocardial infarction", "st elevation", "pneumonia", "fracture",
    "stroke", "sepsis", "headache", "ecg", "pulmonary embolism", "renal colic", "syncope",
]  # fmt: skip


def seed(cases: int, users: int, users_file: Path) -> dict:
    from cases.models import CasePage

    existing = CasePage.objects.live().count()
    with _no_admin_search_updates():
        if existing < cases:
            _seed_cases(cases - existing, start=existing)
        clinicians = _seed_clinicians(users)
    live = list(CasePage.objects.live().order_by("pk").values_list("pk", flat=True))
    sample = live[:: max(1, len(live) // 1000)]
    cases_out = [
        {"url": page.url, "id": page.pk} for page in CasePage.objects.live().filter(pk__in=sample)
    ]
    urls = [case["url"] for case in cases_out]
    users_file.write_text(
        json.dumps(
            {
                "users": clinicians,
                "case_urls": urls,
                "cases": cases_out,
                "search_terms": SEARCH_TERMS,
            }
        )
    )
    return {"cases": len(live), "users": len(clinicians), "sampled_case_urls": len(urls)}


@contextlib.contextmanager
def _no_admin_search_updates():
    """Wagtail's admin search and reference index queue tasks for every saved page: 10,000
    of them would be the first thing the benchmark's workers do. The site's search index is
    rebuilt instead; the admin's is not used by the benchmark."""
    from django.db.models.signals import post_save
    from modelsearch import index
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.signal_handlers import disable_reference_index_auto_update

    models = list(index.get_indexed_models())
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def _seed_cases(count: int, start: int) -> None:
    from cases.models import BodySystem, CaseIndexPage, CasePage, Condition, Specialty
    from cases.models.choices import AgeBand, CaseMode, Certainty, Sex

    owner = _clinician("load-author")
    conditions = [Condition.objects.get_or_create(name=f"Load condition {i}")[0] for i in range(50)]
    specialties = [
        Specialty.objects.get_or_create(name=f"Load specialty {i}")[0] for i in range(20)
    ]
    systems = [BodySystem.objects.get_or_create(name=f"Load system {i}")[0] for i in range(15)]
    index = CaseIndexPage.objects.get()
    ages, sexes = list(AgeBand.values), list(Sex.values)
    terms = SEARCH_TERMS
    for n in range(start, start + count):
        if n % 500 == 0:
            print(f"seeding case {n}", flush=True)
        page = CasePage(
            title=f"Load case {n}: {terms[n % len(terms)]} in a patient aged {20 + n % 60}",
            slug=f"load-case-{n}",
            summary=f"{terms[n % len(terms)].capitalize()} with {terms[(n + 3) % len(terms)]}.",
            history="Two hours of **crushing** central chest pain.\n\n" * 4,
            examination="Sweaty, BP 100/60, HR 110.\n\n- ECG: STE II, III, aVF" * 2,
            imaging_findings="Inferior hypokinesia on echo.",
            diagnosis=conditions[n % 50],
            certainty=Certainty.CERTAIN,
            management_outcome="Primary PCI to the RCA; recovered.",
            learning_points="- Time is muscle.\n- Right-sided leads.",
            discussion_references="Discussion " * 40,
            specialty=specialties[n % 20],
            age_band=ages[n % len(ages)],
            sex=sexes[n % len(sexes)],
            case_mode=CaseMode.TEACHING,
            owner=owner,
            live=True,
        )
        index.add_child(instance=page)
        page.body_systems.set(systems[n % 15 : n % 15 + 2])
        page.tags.set(["ecg", f"tag{n % 7}"])


def _clinician(username: str):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import ClinicianProfile, User, Verification
    from accounts.roles import CLINICIAN

    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@load.invalid"}
    )
    if created:
        ClinicianProfile.objects.create(
            user=user, full_name=username, display_name=username, profession="doctor",
            country="UK", registration_body="GMC", registration_number=username[-12:],
            workplace="Load hospital", status=Verification.VERIFIED,
        )  # fmt: skip
        user.groups.add(Group.objects.get(name=CLINICIAN))
    # Established members, verified a year ago: the load mix is not meant to trip the
    # lower discussion rate limits of clinicians verified this week.
    ClinicianProfile.objects.filter(user=user, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now() - timedelta(days=365)
    )
    return user


def _seed_clinicians(count: int) -> list[dict]:
    """Each with a session (no login request, so no lockout) and a draft case to upload to."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    from cases.models import CaseIndexPage, CasePage, Condition, Specialty
    from cases.models.choices import AgeBand, CaseMode, Certainty, Sex

    index = CaseIndexPage.objects.get()
    out = []
    for n in range(count):
        user = _clinician(f"load-clinician-{n}")
        draft = CasePage.objects.filter(owner=user).first()
        if draft is None:
            draft = CasePage(
                title=f"Upload target {n}", slug=f"upload-target-{n}", summary="Uploads.",
                history="History.", examination="Examination.",
                diagnosis=Condition.objects.first(), specialty=Specialty.objects.first(),
                management_outcome="Outcome.", learning_points="- Point.", owner=user,
                certainty=Certainty.CERTAIN, age_band=AgeBand.values[3], sex=Sex.values[0],
                case_mode=CaseMode.TEACHING, live=False,
            )  # fmt: skip
            index.add_child(instance=draft)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.CasebookAuthenticationBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(6 * 60 * 60)
        session.create()
        out.append(
            {"session": session.session_key, "csrf": _get_new_csrf_string(), "case": draft.pk}
        )
    return out
