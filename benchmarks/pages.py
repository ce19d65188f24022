"""Server time and query counts of the main pages, logged in as a verified clinician, at two
database sizes in the same run.

Seeds cases into a throwaway SQLite database in bulk (default: 1,000, then up to 10,000),
with what the curated pages show: discussion activity this week, follows with news, opinion
cases without an answer, peer-visible images for a third of the cases, featured cases, a case
of the week and a collection of 50 cases. At each size it requests each page repeatedly
through Django's test client (no network) and prints a markdown table of median and p95
server time and the number of SQL queries. Baseline, measured in the same run: the login
page, a plain Django view on the same middleware stack with no clinical content.

    .venv/bin/python benchmarks/pages.py [--sizes 1000,10000] [--repeat 60]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPECIALTIES = 20
CONDITIONS = 50
COLLECTION_SIZE = 50


def setup_django(db_path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_taxonomy_and_user():
    from django.contrib.auth.models import Group

    from accounts.models import ClinicianProfile, Verification
    from cases.models import BodySystem, Condition, Specialty
    from tests.factories import UserFactory

    user = UserFactory(username="bench-clinician")
    specialties = [Specialty.objects.create(name=f"Specialty {i}") for i in range(SPECIALTIES)]
    ClinicianProfile.objects.create(
        user=user,
        full_name="Bench Clinician",
        display_name="Dr Bench",
        profession="doctor",
        specialty=specialties[0],
        country="UK",
        registration_body="GMC",
        registration_number="BENCH1",
        workplace="Bench hospital",
        status=Verification.VERIFIED,
    )
    user.groups.add(Group.objects.get(name="Clinician"))
    for i in range(CONDITIONS):
        Condition.objects.create(name=f"Condition {i}")
    for i in range(15):
        BodySystem.objects.create(name=f"System {i}")
    return user


def seed_cases(start: int, stop: int, user) -> None:
    """Cases ``start``..``stop``-1 in bulk, with activity, follows and images."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from cases.models import BodySystem, CaseIndexPage, CasePage, Condition, Specialty
    from cases.models.choices import AgeBand, CaseMode, Certainty, Sex
    from discussion.models import CaseActivity, Follow
    from media_pipeline.models import CaseMedia, MediaInstance, MediaItem, MediaKind, MediaStatus

    conditions = list(Condition.objects.order_by("pk"))
    specialties = list(Specialty.objects.order_by("pk"))
    systems = list(BodySystem.objects.order_by("pk"))
    index = CaseIndexPage.objects.get()
    content_type = ContentType.objects.get_for_model(CasePage)
    now = timezone.now()
    ages, sexes = list(AgeBand.values), list(Sex.values)
    with transaction.atomic():
        pages = []
        for i in range(start, stop):
            slug = f"benchmark-case-{i}"
            published = now - timedelta(minutes=10 * (stop - i))
            pages.append(
                Page(
                    path=Page._get_path(index.path, index.depth + 1, i + 1),
                    depth=index.depth + 1,
                    numchild=0,
                    title=f"Benchmark case {i}",
                    draft_title=f"Benchmark case {i}",
                    slug=slug,
                    content_type=content_type,
                    url_path=f"{index.url_path}{slug}/",
                    locale_id=index.locale_id,
                    translation_key=uuid.uuid4(),
                    live=True,
                    owner=user,
                    first_published_at=published,
                    last_published_at=published,
                )
            )
        Page.objects.bulk_create(pages, batch_size=500)
        Page.objects.filter(pk=index.pk).update(numchild=stop)
        through = CasePage.body_systems.through
        links, activity, follows, items = [], [], [], []
        for i, page in zip(range(start, stop), pages, strict=True):
            CasePage(
                page_ptr_id=page.pk,
                summary="Central chest pain with ST elevation in the inferior leads.",
                history="Two hours of **crushing** central chest pain.\n\n" * 5,
                examination="Sweaty, BP 100/60, HR 110.\n\n- ECG: STE II, III, aVF" * 3,
                imaging_findings="Inferior hypokinesia on echo.",
                diagnosis=conditions[i % CONDITIONS],
                certainty=Certainty.CERTAIN,
                management_outcome="Primary PCI to the RCA; recovered.",
                learning_points="- Time is muscle.\n- Right-sided leads.",
                discussion_references="Discussion " * 50,
                specialty=specialties[i % SPECIALTIES],
                age_band=ages[i % len(ages)],
                sex=sexes[i % len(sexes)],
                case_mode=CaseMode.OPINION if i % 3 == 0 else CaseMode.TEACHING,
            ).save_base(raw=True, force_insert=True)
            links.append(through(casepage_id=page.pk, bodysystem_id=systems[i % 15].pk))
            if i % 4 == 0:  # a quarter discussed, some of it this week
                activity.append(
                    CaseActivity(
                        page_id=page.pk,
                        comment_count=i % 7,
                        proposal_count=i % 3,
                        vote_count=i % 5,
                        last_activity_at=now - timedelta(hours=i % 400),
                    )
                )
            if i % 50 == 0:
                follows.append(
                    Follow(user=user, page_id=page.pk, created_at=now - timedelta(days=30))
                )
            if i % 3 == 1:
                items.append(
                    MediaItem(
                        page_id=page.pk,
                        kind=MediaKind.PHOTO,
                        status=MediaStatus.READY,
                        series_uid=f"bench-{i}",
                    )
                )
        through.objects.bulk_create(links, batch_size=1000)
        CaseActivity.objects.bulk_create(activity, batch_size=1000)
        Follow.objects.bulk_create(follows, batch_size=1000)
        MediaItem.objects.bulk_create(items, batch_size=1000)
        CaseMedia.objects.bulk_create(
            [CaseMedia(page_id=item.page_id, item=item, sort_order=0) for item in items],
            batch_size=1000,
        )
        MediaInstance.objects.bulk_create(
            [
                MediaInstance(
                    item=item,
                    source_key=f"bench/{item.pk}.jpg",
                    source_content_type="image/jpeg",
                    preview_key=f"bench/{item.pk}-p.webp",
                    thumbnail_key=f"bench/{item.pk}-t.webp",
                )
                for item in items
            ],
            batch_size=1000,
        )


def seed_curation(user) -> str:
    """Featured cases, this week's case and a published collection of 50 cases; returns the
    collection's URL."""
    from cases.models import CasePage
    from cms.models import HomePage
    from curation.models import (
        CollectionIndexPage,
        CollectionItem,
        CollectionPage,
        HomeFeaturedCase,
        WeeklyCase,
    )
    from curation.models.featured import monday_of

    cases = list(CasePage.objects.order_by("-pk")[: COLLECTION_SIZE + 8])
    home = HomePage.objects.get()
    HomeFeaturedCase.objects.bulk_create(
        HomeFeaturedCase(home=home, case=case, blurb="Worth a look.", sort_order=n)
        for n, case in enumerate(cases[:8])
    )
    from django.utils import timezone

    WeeklyCase.objects.create(week_starting=monday_of(timezone.localdate()), case=cases[0])
    collection = CollectionPage(title="Fifty cases", slug="fifty-cases", intro="Fifty cases.")
    collection.items = [
        CollectionItem(case=case, note="Look at the ECG.", sort_order=n)
        for n, case in enumerate(cases[8 : 8 + COLLECTION_SIZE])
    ]
    CollectionIndexPage.objects.get().add_child(instance=collection)
    collection.save_revision(user=user).publish()
    return collection.url


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
    parser.add_argument("--sizes", default="1000,10000", help="case counts, ascending")
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(f"{tmp}/bench.sqlite3")
        from django.test import Client

        user = seed_taxonomy_and_user()
        results: dict[str, list[str]] = {}
        seeded, collection_url = 0, ""
        for size in sizes:
            start = time.perf_counter()
            seed_cases(seeded, size, user)
            seeded = size
            collection_url = collection_url or seed_curation(user)
            print(f"seeded {size} cases in {time.perf_counter() - start:.1f} s (SQLite)")
            from cases.models import CasePage

            last_case = CasePage.objects.order_by("-pk").first()
            anonymous = Client()
            client = Client()
            client.force_login(user)
            rows = [
                ("baseline: login page (anonymous)", anonymous, "/accounts/login/"),
                ("home page", client, "/"),
                ("specialty page", client, "/specialties/specialty-0/"),
                (f"collection page ({COLLECTION_SIZE} cases)", client, collection_url),
                ("case list (page 1)", client, "/cases/"),
                ("case page", client, last_case.url),
            ]
            for label, who, url in rows:
                median, p95, queries = measure(who, url, args.repeat)
                results.setdefault(label, []).append(f"{median:.1f} | {p95:.1f} | {queries}")
        print()
        header = " | ".join(f"{size:,} cases: median ms | p95 ms | queries" for size in sizes)
        print(f"| page | {header} |")
        print("|---|" + "---:|---:|---:|" * len(sizes))
        for label, cells in results.items():
            print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
