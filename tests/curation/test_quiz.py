"""Quiz mode: nothing names the diagnosis before the reveal; one guess per case, before the
reveal; the score and what was missed, private to the user; bad input refused."""

import re

import pytest

from cases.models import CasePage
from curation.models import QuizAnswer, QuizAttempt
from tests.factories import CasePageFactory, ConditionFactory, make_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_cases(author, photo):
    dissection = ConditionFactory(name="Aortic dissection", synonyms="AD")
    tamponade = ConditionFactory(name="Cardiac tamponade")
    first = CasePageFactory(
        owner=author,
        title="Aortic dissection in a hypertensive smoker",
        slug="aortic-dissection-in-a-smoker",
        summary="Type A aortic dissection with a widened mediastinum.",
        history="Tearing chest pain radiating to the back.",
        examination="BP 180/100 in the right arm, 130/80 in the left.",
        imaging_findings="Intimal flap in the ascending aorta: dissection.",
        learning_points="- Dissection before thrombolysis.",
        diagnosis=dissection,
    )
    first.tags.add("dissection")
    first.save()
    photo(first, author, caption="Dissection flap on CT")
    second = CasePageFactory(
        owner=author,
        title="Beck's triad after a stab wound",
        slug="becks-triad-tamponade",
        summary="Tamponade.",
        history="Collapse after a stab wound.",
        diagnosis=tamponade,
    )
    return [first, second]


@pytest.fixture
def quiz(collection_of, quiz_cases):
    return collection_of(quiz_cases, title="Cannot-miss chest pain", quiz=True,
                         notes={quiz_cases[0].pk: "Think dissection before lysis."})  # fmt: skip


def start(client, quiz, user):
    client.force_login(user)
    return client.post(f"{quiz.url}quiz/")


DIAGNOSIS_WORDS = ("dissection", "aortic-dissection", "flap", "Think dissection", "tamponade")


def test_nothing_names_the_diagnosis_before_the_reveal(client, quiz, reader):
    assert start(client, quiz, reader)["Location"].endswith("/quiz/1/")

    response = client.get(f"{quiz.url}quiz/1/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tearing chest pain" in html and "BP 180/100" in html
    for word in DIAGNOSIS_WORDS:
        assert word.lower() not in html.lower(), word
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().startswith("Quiz: Cannot-miss chest pain, case 1 of 2")
    alts = re.findall(r'alt="([^"]*)"', html)
    assert alts == ["Image 1 of this case"]
    assert "becks-triad" not in html  # nor the next case's slug


def test_the_collection_page_of_a_quiz_hides_titles_and_diagnoses(client, quiz, reader):
    client.force_login(reader)
    html = client.get(quiz.url).content.decode().lower()
    for word in DIAGNOSIS_WORDS:
        assert word.lower() not in html, word
    assert f"{quiz.url}quiz/1/" in html

    spoilers = client.get(f"{quiz.url}?answers=1").content.decode()
    assert "Aortic dissection in a hypertensive smoker" in spoilers


def test_a_guess_reveals_the_answer_once(client, quiz, reader, quiz_cases):
    start(client, quiz, reader)

    response = client.post(f"{quiz.url}quiz/1/", {"guess": "AD"})  # a synonym counts

    assert response.status_code == 302
    answer = QuizAnswer.objects.get()
    assert (answer.correct, answer.guess.name) == (True, "Aortic dissection")
    html = client.get(f"{quiz.url}quiz/1/").content.decode()
    assert "Intimal flap" in html and "Think dissection before lysis." in html
    assert quiz_cases[0].url in html

    again = client.post(f"{quiz.url}quiz/1/", {"guess": "Cardiac tamponade"})
    assert again.status_code == 409
    assert "already revealed" in again.content.decode()
    assert QuizAnswer.objects.get().guess.name == "Aortic dissection"


@pytest.mark.parametrize(
    ("guess", "message"),
    [("", "choose it from the suggestions"), ("Not a real disease", "not a condition")],
)
def test_a_reveal_needs_a_known_condition(client, quiz, reader, guess, message):
    start(client, quiz, reader)

    response = client.post(f"{quiz.url}quiz/1/", {"guess": guess})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "dissection" not in html.lower().replace(guess.lower(), "")
    assert not QuizAnswer.objects.exists()


def test_score_lists_what_was_missed_and_is_private(client, quiz, reader):
    start(client, quiz, reader)
    client.post(f"{quiz.url}quiz/1/", {"guess": "Cardiac tamponade"})
    client.post(f"{quiz.url}quiz/2/", {"guess": "Cardiac tamponade"})

    html = client.get(f"{quiz.url}quiz/result/").content.decode()

    assert "1 of 2" in html
    assert "it was <strong>Aortic dissection</strong>" in html
    other = make_clinician()
    client.force_login(other)
    assert client.get(f"{quiz.url}quiz/result/")["Location"].endswith("/quiz/")
    assert QuizAttempt.objects.filter(user=other).count() == 0


def test_starting_again_begins_a_new_attempt(client, quiz, reader):
    start(client, quiz, reader)
    client.post(f"{quiz.url}quiz/1/", {"guess": "Cardiac tamponade"})
    start(client, quiz, reader)

    assert QuizAttempt.objects.filter(user=reader).count() == 2
    assert "Record my guess" in client.get(f"{quiz.url}quiz/1/").content.decode()


def test_an_empty_quiz_is_refused_with_a_message(client, collection_of, quiz_cases, reader):
    empty = collection_of([quiz_cases[1]], title="Soon", quiz=True)
    CasePage.objects.filter(pk=quiz_cases[1].pk).update(live=False)
    client.force_login(reader)

    for response in (client.get(f"{empty.url}quiz/"), client.post(f"{empty.url}quiz/")):
        assert response.status_code == 409
        assert "nothing to quiz on" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_a_step_past_the_end_is_not_found(client, quiz, reader):
    start(client, quiz, reader)
    assert client.get(f"{quiz.url}quiz/3/").status_code == 404
