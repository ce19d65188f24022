"""Server time and query counts of the main pages, logged in as a verified clinician.

Seeds N cases (default 1,000) into a throwaway SQLite database, then requests each page
repeatedly through Django's test client (no network), and prints a markdown table of median
and p95 server time and the number of SQL queries. Baseline, measured in the same run: the
login page, a plain Django view on the same middleware stack with no clinical content.

    .venv/bin/python benchmarks/pages.py [--cases 1000] [--repeat 60]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int):
    from django.contrib.auth.models import Group

    from accounts.models import ClinicianProfile, Verification
    from cases.models import BodySystem, CaseIndexPage, CasePage, Condition, Specialty
    from cases.models.choices import AgeBand, CaseMode, Certainty, Sex
    from tests.factories import UserFactory

    user = UserFactory(username="bench-clinician")
    ClinicianProfile.objects.create(
        user=user,
        full_name="Bench Clinician",
        display_name="Dr Bench",
        profession="doctor",
        country="UK",
        registration_body="GMC",
        registration_number="BENCH1",
        workplace="Bench hospital",
        status=Verification.VERIFIED,
    )
    user.groups.add(Group.objects.get(name="Clinician"))
    conditions = [Condition.objects.create(name=f"Condition {i}") for i in range(50)]
    specialties = [Specialty.objects.create(name=f"Specialty {i}") for i in range(20)]
    systems = [BodySystem.objects.create(name=f"System {i}") for i in range(15)]
    index = CaseIndexPage.objects.get()
    ages, sexes = list(AgeBand.values), list(Sex.values)
    page = None
    for i in range(count):
        page = CasePage(
            title=f"Benchmark case {i}",
            slug=f"benchmark-case-{i}",
            summary="Central chest pain with ST elevation in the inferior leads.",
            history="Two hours of **crushing** central chest pain.\n\n" * 5,
            examination="Sweaty, BP 100/60, HR 110.\n\n- ECG: STE II, III, aVF" * 3,
            imaging_findings="Inferior hypokinesia on echo.",
            diagnosis=conditions[i % 50],
            certainty=Certainty.CERTAIN,
            management_outcome="Primary PCI to the RCA; recovered.",
            learning_points="- Time is muscle.\n- Right-sided leads.",
            discussion_references="Discussion " * 50,
            specialty=specialties[i % 20],
            age_band=ages[i % len(ages)],
            sex=sexes[i % len(sexes)],
            case_mode=CaseMode.TEACHING,
            owner=user,
            live=True,
        )
        index.add_child(instance=page)
        page.body_systems.set(systems[i % 15 : i % 15 + 2])
        page.tags.set(["ecg", f"tag{i % 7}"])
        page.save()
    return user, page


def check(response, url: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}; the benchmark is invalid")


def measure(client, url: str, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches and template loading
        check(client.get(url), url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        check(response, url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(f"{tmp}/bench.sqlite3")
        start = time.perf_counter()
        user, last_case = seed(args.cases)
        print(f"seeded {args.cases} cases in {time.perf_counter() - start:.1f} s (SQLite)\n")
        from django.test import Client

        anonymous = Client()
        client = Client()
        client.force_login(user)
        rows = [
            ("baseline: login page (anonymous)", anonymous, "/accounts/login/"),
            ("home page", client, "/"),
            ("case list (page 1)", client, "/cases/"),
            ("case list (page 25)", client, "/cases/?page=25"),
            ("case page", client, last_case.url),
        ]
        print("| page | median ms | p95 ms | queries |")
        print("|---|---:|---:|---:|")
        for label, who, url in rows:
            median, p95, queries = measure(who, url, args.repeat)
            print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
