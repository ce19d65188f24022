"""Database search fallback (embedded mode): query latency at 10k cases.

Seeds N synthetic published cases (default 10,000) in bulk into a throwaway SQLite database
(test settings), then times ``DatabaseBackend.search`` over a few hundred varied queries
(plain words, synonyms, several words, facet filters, every sort, later pages; facets and
highlighting always on), plus autocomplete and related cases. Prints one markdown table of
median and p95 milliseconds. Baseline, same run: the case list's own query (newest 20 live
cases and their count), the cheapest page that lists cases.

    .venv/bin/python benchmarks/search_fallback.py [--cases 10000] [--queries 300]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# condition, synonyms (one per line), specialty, body system, a characteristic finding
CONDITIONS = [
    (
        "Myocardial infarction",
        "MI\nheart attack",
        "Cardiology",
        "Cardiovascular",
        "ST elevation in the inferior leads with a troponin rise",
    ),
    (
        "Aortic dissection",
        "",
        "Cardiology",
        "Cardiovascular",
        "intimal flap in the ascending aorta",
    ),
    (
        "Atrial fibrillation",
        "AF",
        "Cardiology",
        "Cardiovascular",
        "irregularly irregular rhythm without P waves",
    ),
    (
        "Pulmonary embolism",
        "PE",
        "Respiratory medicine",
        "Respiratory",
        "filling defect in the right lower lobe pulmonary artery",
    ),
    ("Pneumonia", "", "Respiratory medicine", "Respiratory", "consolidation with air bronchograms"),
    (
        "Pneumothorax",
        "",
        "Respiratory medicine",
        "Respiratory",
        "visible visceral pleural edge with no lung markings beyond",
    ),
    (
        "Appendicitis",
        "",
        "General surgery",
        "Gastrointestinal",
        "dilated non-compressible appendix with periappendiceal fat stranding",
    ),
    (
        "Small bowel obstruction",
        "SBO",
        "General surgery",
        "Gastrointestinal",
        "dilated small bowel loops with a transition point",
    ),
    (
        "Ischaemic stroke",
        "CVA\ncerebral infarction",
        "Neurology",
        "Nervous system",
        "hyperdense middle cerebral artery sign",
    ),
    (
        "Subarachnoid haemorrhage",
        "SAH",
        "Neurology",
        "Nervous system",
        "blood in the basal cisterns",
    ),
    (
        "Multiple sclerosis",
        "MS",
        "Neurology",
        "Nervous system",
        "periventricular ovoid lesions perpendicular to the ventricles",
    ),
    (
        "Rheumatoid arthritis",
        "RA",
        "Rheumatology",
        "Musculoskeletal",
        "symmetrical erosions of the metacarpophalangeal joints",
    ),
    ("Gout", "", "Rheumatology", "Musculoskeletal", "punched-out erosions with overhanging edges"),
    (
        "Scaphoid fracture",
        "",
        "Orthopaedics",
        "Musculoskeletal",
        "lucent line through the scaphoid waist",
    ),
    ("Melanoma", "", "Dermatology", "Skin", "asymmetric pigmented lesion with irregular borders"),
    (
        "Psoriasis",
        "",
        "Dermatology",
        "Skin",
        "well-demarcated erythematous plaques with silvery scale",
    ),
    (
        "Diabetic ketoacidosis",
        "DKA",
        "Endocrinology",
        "Endocrine",
        "high anion gap metabolic acidosis with ketonaemia",
    ),
    (
        "Renal colic",
        "kidney stone\nurolithiasis",
        "Urology",
        "Renal",
        "obstructing calculus at the vesicoureteric junction",
    ),
    (
        "Ectopic pregnancy",
        "",
        "Obstetrics",
        "Reproductive",
        "adnexal mass with free fluid and an empty uterus",
    ),
    ("Acute kidney injury", "AKI", "Nephrology", "Renal", "rising creatinine after contrast"),
]
FILLER = [
    "presented to the emergency department with worsening symptoms over several days",
    "past history of hypertension and type 2 diabetes",
    "non-smoker",
    "lives alone",
]
QUERIES_SINGLE = [
    "infarction",
    "pneumothorax",
    "erosions",
    "consolidation",
    "calculus",
    "stroke",
    "melanoma",
    "troponin",
    "aorta",
    "acidosis",
]
QUERIES_SYNONYM = ["heart attack", "mi", "kidney stone", "cva", "dka", "sah", "af"]
QUERIES_MULTI = [
    "chest pain troponin",
    "dilated small bowel loops",
    "pleural edge lung",
    "irregular rhythm without p waves",
    "fever cough consolidation lobe",
]
QUERIES_RARE = ["zygomycosis", "xanthogranulomatous", "qwertyuiop"]


def setup_django(db_path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int, rng: random.Random) -> None:
    """Insert ``count`` live cases in bulk: page rows, case rows, body systems and media."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from wagtail.models import Page

    from cases.models import BodySystem, CaseIndexPage, CasePage, Condition, Specialty
    from cases.models.choices import AgeBand, CaseMode, Certainty, Sex
    from media_pipeline.models import MediaItem, MediaKind, MediaStatus

    conditions, specialties, systems = [], {}, {}
    for name, synonyms, specialty, system, _finding in CONDITIONS:
        conditions.append(
            Condition.objects.update_or_create(name=name, defaults={"synonyms": synonyms})[0]
        )
        specialties[specialty] = Specialty.objects.get_or_create(name=specialty)[0]
        systems[system] = BodySystem.objects.get_or_create(name=system)[0]
    index = CaseIndexPage.objects.get()
    content_type = ContentType.objects.get_for_model(CasePage)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        pages = []
        for i in range(count):
            slug = f"case-{i}"
            published = start + timedelta(minutes=97 * i)
            pages.append(
                Page(
                    path=Page._get_path(index.path, index.depth + 1, i + 1),
                    depth=index.depth + 1,
                    numchild=0,
                    title=slug,
                    draft_title=slug,
                    slug=slug,
                    content_type=content_type,
                    url_path=f"{index.url_path}{slug}/",
                    locale_id=index.locale_id,
                    translation_key=uuid.uuid4(),
                    live=True,
                    first_published_at=published,
                    last_published_at=published,
                )
            )
        Page.objects.bulk_create(pages, batch_size=500)
        Page.objects.filter(pk=index.pk).update(numchild=count)
        system_links, media = [], []
        through = CasePage.body_systems.through
        for i, page in enumerate(pages):
            number = rng.randrange(len(CONDITIONS))
            name, _synonyms, specialty, system, finding = CONDITIONS[number]
            other = CONDITIONS[rng.randrange(len(CONDITIONS))]
            title = f"{rng.choice(['Unusual', 'Classic', 'Missed', 'Atypical'])} {name.lower()}"
            case = CasePage(
                page_ptr_id=page.pk,
                summary=f"{title}: {finding}.",
                history=". ".join(rng.sample(FILLER, 3)) + f". Previously {other[4]}.",
                examination=f"On examination {finding}.",
                imaging_findings=finding if rng.random() < 0.6 else "",
                diagnosis=conditions[number],
                certainty=rng.choice(Certainty.values),
                management_outcome="Managed conservatively; recovered.",
                learning_points=f"- Think of {name.lower()}.",
                discussion_references="",
                specialty=specialties[specialty],
                age_band=rng.choice(AgeBand.values),
                sex=rng.choice(Sex.values),
                case_mode=rng.choice(CaseMode.values),
                featured=rng.random() < 0.02,
            )
            # The page row exists: insert only the case row (bulk_create refuses inheritance).
            case.save_base(raw=True, force_insert=True)
            Page.objects.filter(pk=page.pk).update(title=title, draft_title=title)
            system_links.append(through(casepage_id=page.pk, bodysystem_id=systems[system].pk))
            if rng.random() < 0.5:
                media.append(
                    MediaItem(
                        page_id=page.pk,
                        kind=MediaKind.SERIES,
                        status=MediaStatus.READY,
                        modality=rng.choice(["CT", "MR", "XR", "US"]),
                        series_uid=f"2.25.{i}",
                    )
                )
        through.objects.bulk_create(system_links, batch_size=1000)
        MediaItem.objects.bulk_create(media, batch_size=1000)


def random_params(rng: random.Random) -> tuple[str, dict]:
    """(kind, request parameters) for one varied search."""
    from cases.models.choices import AgeBand, Sex

    kind = rng.choices(
        ["single word", "synonym", "several words", "filters only", "words + filters", "no hit"],
        weights=[30, 20, 15, 15, 15, 5],
    )[0]
    q = {
        "single word": lambda: rng.choice(QUERIES_SINGLE),
        "synonym": lambda: rng.choice(QUERIES_SYNONYM),
        "several words": lambda: rng.choice(QUERIES_MULTI),
        "filters only": lambda: "",
        "words + filters": lambda: rng.choice(QUERIES_SINGLE + QUERIES_SYNONYM),
        "no hit": lambda: rng.choice(QUERIES_RARE),
    }[kind]()
    params: dict = {"q": q, "sort": rng.choice(["relevance", "newest", "discussed"])}
    if kind in ("filters only", "words + filters"):
        params["specialty"] = rng.choice(sorted({c[2] for c in CONDITIONS}))
        if rng.random() < 0.5:
            params["age_band"] = rng.sample(AgeBand.values, 3)
        if rng.random() < 0.5:
            params["sex"] = rng.choice(Sex.values)
        if rng.random() < 0.3:
            params["modalities"] = rng.choice(["CT", "MR"])
    if rng.random() < 0.2:
        params["page"] = str(rng.randint(2, 4))
    return kind, params


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(f"{tmp}/bench.sqlite3")
        start = time.perf_counter()
        seed(args.cases, rng)
        print(f"seeded {args.cases} cases in {time.perf_counter() - start:.1f} s (SQLite)\n")

        from search.documents import indexable_cases
        from search.queries import SearchRequest
        from search.site import get_search_backend

        backend = get_search_backend()
        ids = list(indexable_cases().values_list("pk", flat=True))
        rows: dict[str, list[float]] = {}

        def baseline():
            cases = indexable_cases().order_by("-first_published_at", "-pk")
            list(cases.select_related("diagnosis", "specialty")[:20])
            cases.count()

        for _ in range(5):  # warm caches: synonyms, templates of the query compiler
            backend.search(SearchRequest.from_params(random_params(rng)[1]))
        totals = []
        for _ in range(args.queries):
            kind, params = random_params(rng)
            req = SearchRequest.from_params(params)
            elapsed = timed(lambda req=req: backend.search(req))
            rows.setdefault(f"search: {kind}", []).append(elapsed)
            totals.append(elapsed)
        rows["search: all"] = totals
        rows["autocomplete"] = [
            timed(lambda p=p: backend.autocomplete(p)) for p in ["my", "pn", "ren", "a"] * 15
        ]
        rows["related cases"] = [timed(lambda i=i: backend.related(i)) for i in rng.sample(ids, 60)]
        rows["baseline: case list query"] = [timed(baseline) for _ in range(60)]

        print(f"| {args.cases} cases, SQLite | runs | median ms | p95 ms |")
        print("|---|---:|---:|---:|")
        for name, times in rows.items():
            median, p95 = summary(times)
            print(f"| {name} | {len(times)} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
