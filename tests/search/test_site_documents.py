"""Case pages as search documents: the fields the mapping knows, no author or patient data."""

import pytest

from cases.models import CaseDifferential
from search.documents import case_document, indexable_cases
from search.mapping import index_settings_and_mappings
from tests.factories import BodySystemFactory, CasePageFactory, ConditionFactory, make_clinician

pytestmark = pytest.mark.django_db


class _Caps:
    analysis_common = False


MAPPED_FIELDS = set(index_settings_and_mappings(_Caps())["mappings"]["properties"])


def test_document_has_the_case_fields_as_plain_text():
    condition = ConditionFactory(name="Myocardial infarction", synonyms="MI\nheart attack")
    case = CasePageFactory(
        title="STEMI in a runner",
        diagnosis=condition,
        history="Pain **radiating** to the jaw; BP < 90 & falling.",
        examination="Sweaty.",
        imaging_findings="Occluded RCA.",
    )
    case.body_systems.add(BodySystemFactory(name="Cardiovascular"))
    case.tags.add("ecg")
    case.save()
    CaseDifferential.objects.create(page=case, free_text="Aortic dissection")
    case.save_revision().publish()
    case.refresh_from_db()

    doc = case_document(case, version=7)

    assert doc["id"] == case.pk
    assert doc["version"] == 7
    assert doc["url"] == case.url
    assert doc["condition"] == "Myocardial infarction"
    assert doc["condition_synonyms"] == ["MI", "heart attack"]
    assert doc["history"] == "Pain radiating to the jaw; BP < 90 & falling."
    assert doc["findings"] == "Sweaty.\n\nOccluded RCA."
    assert doc["differentials"] == ["Aortic dissection"]
    assert doc["body_systems"] == ["Cardiovascular"]
    assert doc["tags"] == ["ecg"]
    assert doc["sex"] == case.sex
    assert doc["age_band"] == case.age_band
    assert doc["published_at"].startswith(str(case.first_published_at.year))


def test_document_keys_are_all_in_the_strict_mapping():
    doc = case_document(CasePageFactory(), version=1)
    assert set(doc) <= MAPPED_FIELDS


def test_no_author_identifier_reaches_the_document():
    author = make_clinician(
        registration_number="GMC-9931177",
        workplace="St Quillon's Infirmary",
        full_name="Dr Zebedee Marchbanks",
        display_name="Dr Zed",
    )
    case = CasePageFactory(owner=author)
    text = repr(case_document(case, version=1))
    for secret in ("9931177", "Quillon", "Zebedee", "Marchbanks", "Dr Zed", author.email):
        assert secret not in text
    assert "owner" not in text


def test_only_live_unrestricted_cases_are_indexable():
    from wagtail.models import PageViewRestriction

    live = CasePageFactory()
    draft = CasePageFactory(live=False)
    restricted = CasePageFactory()
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    ids = set(indexable_cases().values_list("pk", flat=True))
    assert live.pk in ids
    assert draft.pk not in ids
    assert restricted.pk not in ids


def test_modalities_come_from_media_peers_see_only():
    from django.utils import timezone

    from media_pipeline.models import CaseMedia, MediaItem, MediaKind, MediaStatus
    from search.documents import media_modalities

    case, bare = CasePageFactory(), CasePageFactory()
    for number, (kind, status, modality, approved, withdrawn) in enumerate(
        [
            (MediaKind.SERIES, MediaStatus.READY, "MR", True, False),
            (MediaKind.SERIES, MediaStatus.READY, "", True, False),
            (MediaKind.PHOTO, MediaStatus.READY, "", True, False),
            (MediaKind.SERIES, MediaStatus.QUARANTINED, "CT", True, False),
            (MediaKind.SERIES, MediaStatus.READY, "US", False, False),  # awaiting review
            (MediaKind.SERIES, MediaStatus.READY, "XA", True, True),  # withdrawn
        ]
    ):
        item = MediaItem.objects.create(
            page=case,
            kind=kind,
            status=status,
            modality=modality,
            series_uid=f"1.2.{number}",
            withdrawn_at=timezone.now() if withdrawn else None,
        )
        if approved:
            CaseMedia.objects.create(page=case, item=item)
    found = media_modalities([case.pk, bare.pk])
    assert found == {case.pk: ("MR", "OT", "Photo")}
    doc = case_document(case, 1, modalities=found[case.pk])
    assert (doc["modalities"], doc["has_images"]) == (["MR", "OT", "Photo"], True)
    assert case_document(bare, 1)["has_images"] is False
