"""Shared fixtures of the site-level search tests: a small published corpus in the database,
and the search backends to run the same tests against (the database always; Elasticsearch
and OpenSearch when ``ELASTICSEARCH_URL`` / ``OPENSEARCH_URL`` are set, under a per-test
index prefix, refreshed explicitly)."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.db import connection

from cases.models.choices import AgeBand, CaseMode, Certainty, Sex
from media_pipeline.models import CaseMedia, MediaItem, MediaKind, MediaStatus
from search.backends.database import DatabaseBackend
from search.backends.engine import EngineBackend
from search.client import connect
from search.documents import case_document, indexable_cases, media_modalities, with_related
from search.site import site_analyzer
from tests.factories import BodySystemFactory, CasePageFactory, ConditionFactory, SpecialtyFactory

ENGINE_URLS = {"elasticsearch": "ELASTICSEARCH_URL", "opensearch": "OPENSEARCH_URL"}


def publish(case):
    """Publish through a revision, as the review workflow does (sets publication dates)."""
    case.save_revision().publish()
    case.refresh_from_db()
    return case


@pytest.fixture
def corpus(db):
    """Five published cases (three with media peers see) and one draft, named by key."""
    cardio = SpecialtyFactory(name="Cardiology")
    resp = SpecialtyFactory(name="Respiratory medicine")
    cvs = BodySystemFactory(name="Cardiovascular")
    lungs = BodySystemFactory(name="Respiratory")
    mi = ConditionFactory(name="Myocardial infarction", synonyms="")
    pe = ConditionFactory(name="Pulmonary embolism", synonyms="PE\nlung clot")
    pneumonia = ConditionFactory(name="Pneumonia")
    specs = {
        "stemi": {
            "title": "Inferior STEMI after a long run",
            "summary": "Crushing central chest pain radiating to the jaw.",
            "history": "Sudden chest pain at rest; smoker.",
            "examination": "ST elevation in II, III and aVF.",
            "diagnosis": mi,
            "specialty": cardio,
            "certainty": Certainty.CERTAIN,
            "age_band": AgeBand.A50_54,
            "sex": Sex.MALE,
            "case_mode": CaseMode.TEACHING,
            "systems": [cvs],
        },
        "nstemi": {
            "title": "Silent infarct in a diabetic",
            "summary": "Breathlessness only; troponin rising.",
            "history": "Type 2 diabetes, no chest pain.",
            "examination": "Bibasal crackles.",
            "diagnosis": mi,
            "specialty": cardio,
            "certainty": Certainty.PROBABLE,
            "age_band": AgeBand.A70_74,
            "sex": Sex.FEMALE,
            "case_mode": CaseMode.OPINION,
            "systems": [cvs],
        },
        "saddle": {
            "title": "Saddle embolus after a long-haul flight",
            "summary": "Sudden breathlessness and pleuritic chest pain.",
            "history": "Flew back from Sydney two days ago.",
            "examination": "Tachycardic, hypoxic. <script>alert(1)</script> & co.",
            "diagnosis": pe,
            "specialty": resp,
            "certainty": Certainty.CERTAIN,
            "age_band": AgeBand.A30_34,
            "sex": Sex.FEMALE,
            "case_mode": CaseMode.TEACHING,
            "systems": [lungs, cvs],
        },
        "lobar": {
            "title": "Right lower lobe consolidation",
            "summary": "Fever and productive cough for three days.",
            "history": "Rigors; no travel; family history of asthma.",
            "examination": "Bronchial breathing at the right base.",
            "diagnosis": pneumonia,
            "specialty": resp,
            "certainty": Certainty.PROBABLE,
            "age_band": AgeBand.A80_84,
            "sex": Sex.MALE,
            "case_mode": CaseMode.OPINION,
            "systems": [lungs],
        },
        "sjogren": {
            "title": "Dry eyes in Zürich: Sjögren’s syndrome?",
            "summary": "Dry mouth and eyes; café-au-lait patches unrelated.",
            "history": "Arthralgia.",
            "examination": "Schirmer test positive.",
            "diagnosis": ConditionFactory(name="Sjögren syndrome"),
            "specialty": SpecialtyFactory(name="Rheumatology"),
            "certainty": Certainty.POSSIBLE,
            "age_band": AgeBand.A40_44,
            "sex": Sex.FEMALE,
            "case_mode": CaseMode.OPINION,
            "systems": [],
        },
    }
    cases = {}
    for day, (key, spec) in enumerate(specs.items(), start=1):
        systems = spec.pop("systems")
        # Live with distinct publication dates, without the cost of a revision per case.
        published = datetime(2026, 1, day, 9, tzinfo=UTC)
        case = CasePageFactory(first_published_at=published, last_published_at=published, **spec)
        case.body_systems.set(systems)
        case.save()  # a ParentalManyToManyField is written on save
        cases[key] = case
    media = [
        ("stemi", MediaKind.SERIES, MediaStatus.READY, "CT", True),
        ("saddle", MediaKind.SERIES, MediaStatus.READY, "CT", True),
        ("saddle", MediaKind.SERIES, MediaStatus.QUARANTINED, "MR", True),  # peers cannot see it
        ("nstemi", MediaKind.SERIES, MediaStatus.READY, "US", False),  # awaiting review
        ("lobar", MediaKind.PHOTO, MediaStatus.READY, "", True),
    ]
    for number, (key, kind, status, modality, approved) in enumerate(media):
        item = MediaItem.objects.create(
            page=cases[key],
            kind=kind,
            status=status,
            modality=modality,
            series_uid=f"2.25.{number}",
        )
        if approved:  # in the published version of the case
            CaseMedia.objects.create(page=cases[key], item=item)
    cases["draft"] = CasePageFactory(
        live=False, title="Draft infarct nobody may find", diagnosis=mi, specialty=cardio
    )
    index_all()  # the site's own (database) index, as the outbox would have written it
    return cases


def index_all() -> None:
    """Load every indexable case into the site's search index (factories publish without
    the signals that would have queued them)."""
    from search.services import rebuild_index

    rebuild_index()


#: The four backends of the one behaviour contract: the database index on SQLite and on
#: PostgreSQL (whichever this run's database is; the other skips), and the two engines.
BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    *(pytest.param(name, marks=pytest.mark.elasticsearch) for name in sorted(ENGINE_URLS)),
]


def corpus_documents() -> list[dict]:
    cases = list(with_related(indexable_cases()))
    modalities = media_modalities(case.pk for case in cases)
    return [case_document(c, 1, modalities=modalities.get(c.pk, ())) for c in cases]


@contextmanager
def backend_named(name: str) -> Iterator:
    """An empty backend of kind ``name`` (see ``BACKENDS``); skips when it is not available."""
    if name in ("sqlite", "postgresql"):
        if connection.vendor != name:
            pytest.skip(f"this run's database is {connection.vendor}, not {name}")
        database = DatabaseBackend(analyzer=site_analyzer())
        database.clear()
        yield database
        return
    url = os.environ.get(ENGINE_URLS[name], "")
    if not url:
        pytest.skip(f"{ENGINE_URLS[name]} is not set")
    with engine_backend(url) as engine:
        yield engine


def load(backend, docs: list[dict]) -> None:
    """Index ``docs`` and make them searchable now."""
    backend.index(docs)
    if isinstance(backend, EngineBackend):
        backend.client.refresh(backend.alias)


@pytest.fixture(params=BACKENDS)
def backend(request, corpus):
    """A search backend holding ``corpus``: the database index, or a real engine node."""
    with backend_named(request.param) as found:
        load(found, corpus_documents())
        yield found


@contextmanager
def engine_backend(url: str, analyzer=None) -> Iterator[EngineBackend]:
    """An ``EngineBackend`` on ``url`` under a fresh index prefix, removed afterwards
    (``analyzer``: the site's unless given)."""
    client = connect(url, timeout=10)
    prefix = f"test_site_{secrets.token_hex(4)}_"
    try:
        yield EngineBackend(client, prefix=prefix, analyzer=analyzer or site_analyzer())
    finally:
        for name in client.list_indexes(f"{prefix}*"):
            client.delete_index(name)
        client.close()
