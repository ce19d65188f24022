"""Demo discussion: peers, threads with replies and mentions, proposals with votes, a few
confirmed diagnoses and one open flag. Idempotent: a case that already has comments, a
proposal already made, or a flag already raised is left as it is. Everything goes through
the services, so activity counts, follows and notifications are the real thing.
"""

import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import ClinicianProfile, Profession, RegistrationBody, Verification
from accounts.roles import CLINICIAN
from cases.models import CasePage, Specialty
from discussion import services
from discussion.models import Comment, ConfirmedDiagnosis, Flag, Proposal
from discussion.services.proposals import condition_named

DATA = Path(__file__).parent / "demo_data" / "discussion.json"


def seed_discussion(password: str) -> dict[str, int]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    users = _peers(data["peers"], password)
    User = get_user_model()
    users.update({u.username: u for u in User.objects.filter(username__startswith="demo-")})
    cases = {page.external_id: page for page in CasePage.objects.live().filter(external_id__gt="")}
    with transaction.atomic():
        threads = _threads(data["threads"], cases, users)
        proposals = _proposals(data["proposals"], cases, users)
        confirmed = _confirmed(data["confirmed"], cases)
        flags = _flag(data["flag"], cases, users)
    return {"threads": threads, "proposals": proposals, "confirmed": confirmed, "flags": flags}


def _peers(peers: list[dict], password: str) -> dict:
    User = get_user_model()
    clinicians = Group.objects.get(name=CLINICIAN)
    found = {}
    for number, spec in enumerate(peers, start=10):
        user, _ = User.objects.get_or_create(
            username=spec["username"], defaults={"email": f"{spec['username']}@casebook.invalid"}
        )
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        ClinicianProfile.objects.update_or_create(
            user=user,
            defaults={
                "full_name": spec["display_name"].removeprefix("Dr "),
                "display_name": spec["display_name"],
                "profession": Profession.DOCTOR,
                "specialty": Specialty.objects.filter(name=spec["specialty"]).first(),
                "country": "United Kingdom",
                "registration_body": RegistrationBody.OTHER,
                "registration_body_other": "Casebook demo",
                "registration_number": f"DEMO-{number}",
                "workplace": "Demo teaching hospital",
                "status": Verification.VERIFIED,
                "reviewed_at": timezone.now() - timezone.timedelta(days=60),
            },
        )
        user.groups.add(clinicians)
        found[user.username] = user
    return found


def _threads(threads: list[dict], cases: dict, users: dict) -> int:
    made = 0
    for thread in threads:
        page = cases.get(thread["case"])
        if page is None or Comment.objects.filter(page=page).exists():
            continue
        top = services.add_comment(page, users[thread["by"]], thread["text"])
        for reply in thread.get("replies", []):
            services.add_comment(page, users[reply["by"]], reply["text"], parent=top)
        made += 1
    return made


def _proposals(proposals: list[dict], cases: dict, users: dict) -> int:
    made = 0
    for spec in proposals:
        page = cases.get(spec["case"])
        if page is None:
            continue
        condition = condition_named(spec["diagnosis"])
        existing = Proposal.objects.filter(page=page)
        existing = (
            existing.filter(condition=condition)
            if condition
            else existing.filter(free_text=spec["diagnosis"])
        )
        if existing.exists():
            continue
        proposal = services.propose(
            page,
            users[spec["by"]],
            condition=condition,
            free_text=spec["diagnosis"],
            rationale=spec["rationale"],
        )
        for voter in spec["votes"]:
            services.vote(proposal, users[voter])
        made += 1
    return made


def _confirmed(confirmed: list[dict], cases: dict) -> int:
    made = 0
    for spec in confirmed:
        page = cases.get(spec["case"])
        if page is None or ConfirmedDiagnosis.objects.filter(page=page).exists():
            continue
        services.confirm_diagnosis(
            page,
            page.owner,
            certainty=spec["certainty"],
            condition=condition_named(spec["diagnosis"]),
            free_text=spec["diagnosis"],
        )
        made += 1
    return made


def _flag(spec: dict, cases: dict, users: dict) -> int:
    page = cases.get(spec["case"])
    if page is None or Flag.objects.filter(page=page).exists():
        return 0
    comment = services.add_comment(page, users[spec["comment_by"]], spec["text"])
    services.flag(users[spec["reporter"]], comment, spec["reason"], spec["note"])
    return 1
