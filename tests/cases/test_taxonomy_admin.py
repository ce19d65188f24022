"""Editors curate the taxonomy in the Wagtail admin; clinicians cannot."""

import pytest

from cases.models import Condition
from tests.factories import ConditionFactory, make_clinician, make_editor

pytestmark = pytest.mark.django_db


def test_editor_lists_and_edits_conditions(client):
    condition = ConditionFactory(name="Myocardial infarction", synonyms="MI\nheart attack")
    client.force_login(make_editor())
    listing = client.get("/admin/snippets/cases/condition/")
    assert listing.status_code == 200
    assert b"Myocardial infarction" in listing.content
    response = client.post(
        f"/admin/snippets/cases/condition/edit/{condition.pk}/",
        {
            "name": "Myocardial infarction",
            "synonyms": "MI\nheart attack\nAMI",
            "icd10_code": "I21.9",
            "snomed_code": "",
        },
    )
    assert response.status_code == 302
    assert Condition.objects.get(pk=condition.pk).synonym_list == ["MI", "heart attack", "AMI"]


def test_clinician_cannot_reach_the_taxonomy_admin(client):
    client.force_login(make_clinician())
    response = client.get("/admin/snippets/cases/condition/")
    assert response.status_code == 302
