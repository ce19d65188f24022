"""The post-a-case form: sections, typed conditions, the author's specialty, autosave and the
typeahead's condition lookup."""

import pytest

from cases.models import CaseFormDraft, CasePage
from cases.services import MAX_AUTOSAVE_CHARS
from tests.cases.test_submission import form_data
from tests.factories import CasePageFactory, ConditionFactory, SpecialtyFactory, make_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client):
    user = make_clinician()
    client.force_login(user)
    return user


@pytest.fixture
def conditions():
    return {
        "mi": ConditionFactory(name="Myocardial infarction", synonyms="MI\nheart attack"),
        "mr": ConditionFactory(name="Mitral regurgitation", synonyms="MR"),
        "aaa": ConditionFactory(name="Abdominal aortic aneurysm", synonyms="AAA"),
        "mi2": ConditionFactory(name="Mitral insufficiency of the young", synonyms="MIY\nMR"),
    }


def test_form_is_in_four_sections_with_progress(client, author):
    html = client.get("/contribute/new/").content.decode()
    legends = ["Patient and presentation", "Findings", "Diagnosis", "Teaching"]
    positions = [html.index(f"</span> {legend}</legend>") for legend in legends]
    assert positions == sorted(positions)
    assert html.count('data-progress-step="') == 5
    assert "to do" in html
    assert 'data-condition-input="single"' in html


def test_diagnosis_by_synonym(client, author, conditions):
    response = client.post("/contribute/new/", form_data(diagnosis="mi"))
    assert response.status_code == 302
    assert CasePage.objects.get(owner=author).diagnosis == conditions["mi"]


def test_ambiguous_synonym_names_the_choices(client, author, conditions):
    response = client.post("/contribute/new/", form_data(diagnosis="MR"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "“MR” is not one condition. Choose one of: " in html
    assert "Mitral regurgitation" in html and "Mitral insufficiency of the young" in html
    assert not CasePage.objects.exists()


def test_unknown_diagnosis_keeps_what_was_typed(client, author, conditions):
    response = client.post("/contribute/new/", form_data(diagnosis="Dragon pox"))
    html = response.content.decode()
    assert "No condition called “Dragon pox” is in the list." in html
    assert 'value="Dragon pox"' in html
    assert not CasePage.objects.exists()


def test_differentials_link_conditions_and_keep_free_text(client, author, conditions):
    text = "heart attack\r\nAn atypical viral myocarditis\n\nMI\n  "
    client.post("/contribute/new/", form_data(differentials=text))
    page = CasePage.objects.get(owner=author)
    differentials = list(page.differentials.all())
    assert [d.condition for d in differentials] == [conditions["mi"], None]
    assert differentials[1].free_text == "An atypical viral myocarditis"
    edit = client.get(f"/contribute/{page.pk}/edit/").content.decode()
    assert "Myocardial infarction\nAn atypical viral myocarditis</textarea>" in edit


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("\n".join(f"idea {n}" for n in range(11)), "List at most 10 differential diagnoses."),
        ("x" * 201, "Each differential can be at most 200 characters long."),
    ],
)
def test_bad_differentials_are_refused(client, author, text, error):
    response = client.post("/contribute/new/", form_data(differentials=text))
    assert error in response.content.decode()
    assert not CasePage.objects.exists()


def test_specialty_defaults_to_the_authors(client):
    specialty = SpecialtyFactory(name="Dermatology")
    user = make_clinician()
    user.clinician_profile.specialty = specialty
    user.clinician_profile.save()
    client.force_login(user)
    html = client.get("/contribute/new/").content.decode()
    assert f'<option value="{specialty.pk}" selected>Dermatology</option>' in html


# --- autosave --------------------------------------------------------------------------------


def test_autosave_keeps_typing_and_the_form_offers_it_back(client, author):
    response = client.post(
        "/contribute/new/autosave/",
        {
            "title": "Half a title",
            "history": "Typed on a ward round",
            "body_systems": ["1", "x"],
            "not_a_field": "dropped",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert set(response.json()) == {"saved_at", "time"}
    kept = CaseFormDraft.objects.get(user=author, page=None)
    assert kept.data == {
        "title": "Half a title",
        "history": "Typed on a ward round",
        "body_systems": ["1"],
    }
    html = client.get("/contribute/new/").content.decode()
    assert 'value="Half a title"' in html
    assert "did not save" in html
    response = client.post("/contribute/new/autosave/", {"discard": "1"})
    assert response.status_code == 302
    assert not CaseFormDraft.objects.exists()


def test_saving_the_form_drops_its_autosave(client, author):
    client.post("/contribute/new/autosave/", {"title": "Draft"}, HTTP_ACCEPT="application/json")
    client.post("/contribute/new/", form_data())
    assert not CaseFormDraft.objects.exists()
    page = CasePage.objects.get(owner=author)
    client.post(f"/contribute/{page.pk}/autosave/", {"title": "Edited"})
    assert client.get(f"/contribute/{page.pk}/edit/").content.decode().count('value="Edited"') == 1
    client.post(f"/contribute/{page.pk}/edit/", form_data(title="Edited"))
    assert not CaseFormDraft.objects.exists()


def test_autosave_of_a_too_large_form_is_refused(client, author):
    response = client.post(
        "/contribute/new/autosave/",
        {"history": "x" * (MAX_AUTOSAVE_CHARS + 1)},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 413
    assert response.json() == {"error": "The form is too large to keep; save the draft instead."}
    assert not CaseFormDraft.objects.exists()


def test_autosave_of_someone_elses_case_is_a_404(client, author):
    other = CasePageFactory(owner=make_clinician())
    response = client.post(f"/contribute/{other.pk}/autosave/", {"title": "Mine now"})
    assert response.status_code == 404
    assert not CaseFormDraft.objects.exists()


# --- the typeahead's lookup -----------------------------------------------------------------


def _names(client, query):
    return [
        row["name"] for row in client.get(f"/contribute/conditions/?q={query}").json()["results"]
    ]


def test_lookup_puts_an_abbreviation_first(client, author, conditions):
    rows = client.get("/contribute/conditions/?q=MI").json()["results"]
    assert rows[0] == {"id": conditions["mi"].pk, "name": "Myocardial infarction", "matched": "MI"}
    assert "Abdominal aortic aneurysm" not in _names(client, "mi"), "not inside a word"
    assert _names(client, "heart att") == ["Myocardial infarction"]
    assert _names(client, "aneur") == ["Abdominal aortic aneurysm"]
    assert _names(client, "m") == []
