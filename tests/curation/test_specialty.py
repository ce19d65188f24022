"""Specialty pages: featured, latest, unanswered, collections and top diagnoses of one
specialty, linked from case pages and the navigation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import HomePage
from curation.models import HomeFeaturedCase
from tests.factories import CasePageFactory, ConditionFactory, SpecialtyFactory

pytestmark = pytest.mark.django_db


def test_a_specialty_page_gathers_its_cases(client, reader, author, collection_of):
    neuro = SpecialtyFactory(name="Neurology")
    other = SpecialtyFactory(name="Dermatology")
    sah = ConditionFactory(name="Subarachnoid haemorrhage")
    stroke = ConditionFactory(name="Ischaemic stroke")
    teaching = [CasePageFactory(owner=author, specialty=neuro, diagnosis=sah) for _ in range(2)]
    question = CasePageFactory(
        owner=author, specialty=neuro, diagnosis=stroke, case_mode="opinion", title="Which scan?"
    )
    CasePageFactory(owner=author, specialty=other, title="A rash")
    HomeFeaturedCase.objects.create(
        home=HomePage.objects.get(), case=teaching[0], blurb="Thunderclap.", sort_order=0
    )
    collection_of(teaching, title="Cannot-miss headaches", specialty=neuro)
    client.force_login(reader)

    response = client.get("/specialties/neurology/")

    html = response.content.decode()
    assert response.status_code == 200
    context = response.context
    assert [card.blurb for card in context["featured"]] == ["Thunderclap."]
    assert [card.case.title for card in context["unanswered"]] == ["Which scan?"]
    assert len(context["latest"]) == 3 and "A rash" not in html
    assert [(row["diagnosis__name"], row["cases"]) for row in context["conditions"]] == [
        ("Subarachnoid haemorrhage", 2),
        ("Ischaemic stroke", 1),
    ]
    assert "Cannot-miss headaches" in html
    assert "/specialties/neurology/" in client.get(question.url).content.decode()
    assert "/specialties/" in client.get("/").content.decode()
    index = client.get("/specialties/").content.decode()
    assert "Neurology" in index and "3 cases" in index


def test_an_unknown_specialty_is_not_found(client, reader):
    client.force_login(reader)
    assert client.get("/specialties/astrology/").status_code == 404


def test_queries_do_not_grow_with_cases(client, reader, author):
    neuro = SpecialtyFactory(name="Neurology")

    def count():
        client.get("/specialties/neurology/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/specialties/neurology/")
        return len(queries)

    client.force_login(reader)
    CasePageFactory(owner=author, specialty=neuro)
    few = count()
    for _ in range(8):
        CasePageFactory(owner=author, specialty=neuro, case_mode="opinion")
    assert count() == few <= 15
