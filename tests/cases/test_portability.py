"""JSON import and export of cases: validation, idempotence, round trip, bad files."""

import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import CaseConsent, CasePage
from cases.portability import ImportFileError, export_records, import_records, load_file
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    SpecialtyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy():
    ConditionFactory(name="Pulmonary embolism")
    ConditionFactory(name="Pneumothorax")
    SpecialtyFactory(name="Respiratory medicine")
    BodySystemFactory(name="Respiratory")
    UserFactory(username="author1")


def record(**overrides):
    data = {
        "external_id": "ext-1",
        "title": "Breathless after a flight",
        "summary": "Pleuritic pain and hypoxia.",
        "history": "Sudden breathlessness.",
        "examination": "Tachycardic.",
        "imaging_findings": "",
        "diagnosis": "pulmonary embolism",
        "certainty": "certain",
        "differentials": ["Pneumothorax", "Viral pleurisy"],
        "management_outcome": "Anticoagulated.",
        "learning_points": "- Ask about travel.",
        "discussion_references": "",
        "specialty": "Respiratory medicine",
        "body_systems": ["Respiratory"],
        "age_band": "30-34",
        "sex": "female",
        "tags": ["CTPA"],
        "case_mode": "teaching",
        "licence": "CC-BY-NC-SA-4.0",
        "author": "author1",
        "status": "published",
        "consent": "not_identifiable",
    }
    data.update(overrides)
    return data


def test_import_is_idempotent_and_updates(taxonomy):
    report = import_records([record()])
    assert (report.created, report.updated, report.errors) == (1, 0, [])
    report = import_records([record(summary="Updated summary.")])
    assert (report.created, report.updated) == (0, 1)
    page = CasePage.objects.get()
    assert page.live
    assert page.summary == "Updated summary."
    assert [str(d) for d in page.differentials.all()] == ["Pneumothorax", "Viral pleurisy"]
    assert CaseConsent.objects.filter(page=page).exists()


def test_bad_records_are_reported_and_not_written(taxonomy):
    records = [
        record(external_id="good"),
        record(external_id="bad-1", diagnosis="Dragon pox"),
        record(external_id="bad-2", age_band="37", title=""),
        "not an object",
        record(external_id="good", title="Duplicate id"),
    ]
    report = import_records(records)
    assert report.created == 1
    errors = dict(report.errors)
    assert "unknown condition 'Dragon pox'" in errors[1]
    assert "age_band must be one of" in errors[2]
    assert "title is required" in errors[2]
    assert "must be a JSON object" in errors[3]
    assert "appears twice" in errors[4]
    assert list(CasePage.objects.values_list("external_id", flat=True)) == ["good"]


def test_export_round_trip(taxonomy, tmp_path):
    import_records([record(), record(external_id="ext-2", status="draft", title="A draft")])
    document = export_records()
    assert document["format"] == "casebook.cases"
    by_id = {r["external_id"]: r for r in document["cases"]}
    assert by_id["ext-1"]["status"] == "published"
    assert by_id["ext-2"]["status"] == "draft"
    assert by_id["ext-2"]["title"] == "A draft"
    assert by_id["ext-1"]["diagnosis"] == "Pulmonary embolism"
    assert by_id["ext-1"]["tags"] == ["ctpa"]
    path = tmp_path / "out.json"
    call_command("export_cases", str(path))
    CasePage.objects.all().delete()
    call_command("import_cases", str(path))
    assert CasePage.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid UTF-8 JSON"),
        ('{"format": "other"}', "not a Casebook case file"),
        ('{"format": "casebook.cases", "version": 9, "cases": []}', "Unsupported version"),
        ('{"format": "casebook.cases", "version": 1, "cases": {}}', "must be a list"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path, content, message):
    path = tmp_path / "in.json"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        load_file(path)
    with pytest.raises(CommandError, match=message):
        call_command("import_cases", str(path))


def test_import_command_reports_index_and_reason(taxonomy, tmp_path, capsys):
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            {
                "format": "casebook.cases",
                "version": 1,
                "cases": [record(), record(external_id="x", specialty="Astrology")],
            }
        )
    )
    with pytest.raises(CommandError, match="1 record"):
        call_command("import_cases", str(path))
    assert "record 1: unknown specialty 'Astrology'" in capsys.readouterr().err
    assert CasePage.objects.count() == 1
