"""Saved searches: saving and its bad input, matching new cases on publish (in a task,
batched), one record per user and case, the saved-searches page and who may use it."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from search import alerts
from search.models import PendingAlertCase, SavedSearch, SavedSearchMatch
from search.site import site_analyzer
from tests.factories import (
    CasePageFactory,
    ConditionFactory,
    SpecialtyFactory,
    make_clinician,
    make_editor,
)
from tests.search.site_fixtures import publish

pytestmark = pytest.mark.django_db


def save(user, q="", notify=True, name="", **filters):
    return alerts.save_search(
        user, name=name, q=q, filters=filters, notify=notify, analyzer=site_analyzer()
    )


_capture = None


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Publishing hands work over on commit: ``new_case`` runs it as a commit would."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def new_case(**fields):
    """A draft case published through a revision, as review does (fires the signals), with
    the work it hands over on commit run."""
    case = CasePageFactory(live=False, **fields)
    with _capture(execute=True):
        return publish(case)


def matched(user):
    return {(m.saved_search.name, m.page_id) for m in SavedSearchMatch.objects.filter(user=user)}


# --- saving and bad input -------------------------------------------------------------------


def test_a_search_is_saved_with_its_plan():
    user = make_clinician()
    saved = save(user, q="heart attack", specialty=["Cardiology"])
    assert saved.name == "heart attack"
    assert saved.filters == {"specialty": ["Cardiology"]}
    texts = {" ".join(" ".join(t) for t in terms) for _kind, terms in saved.plan["phrasings"]}
    assert {"heart attack", "myocardial infarction", "mi"} <= texts


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"q": ""}, "nothing to save"),
        ({"q": "   the of and  "}, "only very common words"),
        ({"q": "mi", "name": "x" * 121}, "at most 120"),
        ({"q": "mi", "colour": ["blue"]}, "not one the search page has"),
        ({"q": "mi", "specialty": [f"s{i}" for i in range(21)]}, "at most 20 values"),
    ],
)
def test_bad_saved_searches_are_refused_and_store_nothing(fields, message):
    user = make_clinician()
    with pytest.raises(alerts.InvalidSavedSearch, match=message):
        save(user, **fields)
    assert not SavedSearch.objects.exists()


def test_at_most_fifty_saved_searches_per_user(settings):
    user = make_clinician()
    for number in range(alerts.MAX_SAVED_PER_USER):
        SavedSearch.objects.create(user=user, name=f"s{number}", query="x")
    with pytest.raises(alerts.InvalidSavedSearch, match="at most 50"):
        save(user, q="pneumonia")


def test_a_filter_value_that_no_longer_exists_is_reported():
    SpecialtyFactory(name="Cardiology")
    messages = alerts.unknown_filter_values(
        {"specialty": ["Cardiology", "Cardiac surgery"], "sex": ["female", "robot"]}
    )
    assert messages == [
        "Specialty “Cardiac surgery” no longer exists.",
        "Patient sex “robot” no longer exists.",
    ]


# --- matching ---------------------------------------------------------------------------------


def test_publishing_a_matching_case_records_one_match_per_user_and_case():
    mi = ConditionFactory(name="Myocardial infarction")
    watcher, other = make_clinician(), make_clinician()
    save(watcher, q="heart attack", name="MI")
    save(watcher, q="myocardial infarction", name="MI again")  # a second matching search
    save(other, q="pneumothorax", name="PTX")
    case = new_case(title="Crushing chest pain", diagnosis=mi)
    assert matched(watcher) == {("MI", case.pk)}
    assert matched(other) == set()
    assert not PendingAlertCase.objects.exists()
    with _capture(execute=True):
        publish(case)  # published again (an edit): nobody is told twice
    assert SavedSearchMatch.objects.filter(user=watcher).count() == 1


def test_negated_mentions_and_filters_do_not_alert():
    tb = ConditionFactory(name="Tuberculosis")
    pneumonia = ConditionFactory(name="Pneumonia")
    cardiology = SpecialtyFactory(name="Cardiology")
    user = make_clinician()
    save(user, q="tuberculosis", name="TB")
    save(user, q="pneumonia", name="Pneumonia in cardiology", specialty=["Cardiology"])
    new_case(
        title="Right lower lobe consolidation",
        examination="No evidence of tuberculosis on the film.",
        diagnosis=pneumonia,
    )
    assert matched(user) == set()
    case = new_case(title="Cavitating lesion", diagnosis=tb, specialty=cardiology)
    assert matched(user) == {("TB", case.pk)}


def test_cases_published_before_the_search_was_saved_are_not_new_to_it():
    mi = ConditionFactory(name="Myocardial infarction")
    CasePageFactory(title="Old infarct", diagnosis=mi)  # published long ago
    user = make_clinician()
    save(user, q="infarction", name="MI")
    alerts.match_pending()
    assert matched(user) == set()


def test_matching_runs_in_a_task_never_in_the_publish_request(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = make_clinician()
    save(user, q="pneumonia", name="P")
    case = new_case(title="Pneumonia in a smoker", diagnosis=ConditionFactory(name="Pneumonia"))
    assert PendingAlertCase.objects.filter(page_id=case.pk).exists()
    assert matched(user) == set()  # queued, not matched yet
    assert alerts.match_pending(batch_size=1) == 1
    assert matched(user) == {("P", case.pk)}


def test_deliver_matches_records_each_user_and_case_once():
    user = make_clinician()
    first = SavedSearch.objects.create(user=user, name="a", query="a")
    second = SavedSearch.objects.create(user=user, name="b", query="b")
    case = CasePageFactory(title="A case")
    delivered = alerts.deliver_matches(
        [alerts.Match(user.pk, first.pk, case.pk), alerts.Match(user.pk, second.pk, case.pk)]
    )
    assert delivered == 1
    assert alerts.deliver_matches([alerts.Match(user.pk, second.pk, case.pk)]) == 0
    assert matched(user) == {("a", case.pk)}
    told = Notification.objects.get(recipient=user)  # in the bell, once, naming the search
    assert (told.event, told.page_id, told.message) == ("saved_search", case.pk, "Saved search: a")


@pytest.mark.parametrize(
    ("q", "title", "matches"),
    [
        ("heart attack", "Heart failure after an attack of gout", False),  # not the phrase
        ("heart attack", "A heart attack at rest", True),
        ("stemi", "Systemic sclerosis", False),  # whole words only
        ("fracture", "Two fractures of the wrist", True),  # plural
        ("cholecyst", "Acute cholecystitis", True),  # the last word typed, as a prefix
    ],
)
def test_the_matcher_checks_phrases_whole_words_and_prefixes(q, title, matches):
    plan = alerts.plan_to_json(site_analyzer().plan(q))
    search_id = 1000 + ["heart attack", "stemi", "fracture", "cholecyst"].index(q)
    matcher = alerts.SavedSearchMatcher([(search_id, 2, None, plan)])
    expected = [alerts.Match(2, search_id, 5)] if matches else []
    assert matcher.matches({"id": 5, "title": title}, None) == expected


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["verified", "editor"])
def test_save_list_and_delete_through_the_pages(client, role):
    user = make_editor() if role == "editor" else make_clinician()
    client.force_login(user)
    response = client.post(
        reverse("search:saved"),
        {"name": "Kids' pneumonia", "q": "pneumonia", "age_band": ["1-4"], "notify": "on"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=user)
    assert (saved.query, saved.filters, saved.notify) == ("pneumonia", {"age_band": ["1-4"]}, True)
    page = client.get(reverse("search:saved")).content.decode()
    assert "Kids&#x27; pneumonia" in page
    assert "/search/?q=pneumonia&amp;age_band=1-4" in page
    response = client.post(reverse("search:saved_delete", args=[saved.pk]))
    assert response.status_code == 302
    assert not SavedSearch.objects.exists()


def test_bad_input_on_the_page_is_a_400_with_the_message(client):
    client.force_login(make_clinician())
    response = client.post(reverse("search:saved"), {"name": "", "q": ""})
    assert response.status_code == 400
    assert "nothing to save" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_nobody_deletes_another_users_saved_search(client):
    saved = SavedSearch.objects.create(user=make_clinician(), name="mine", query="x")
    client.force_login(make_clinician())
    assert client.post(reverse("search:saved_delete", args=[saved.pk])).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


@pytest.mark.parametrize(("role", "status"), [("pending", 403), ("rejected", 403)])
def test_unverified_users_can_neither_save_nor_delete(client, role, status):
    saved = SavedSearch.objects.create(user=make_clinician(), name="mine", query="x")
    client.force_login(make_clinician(status=role))
    assert client.post(reverse("search:saved"), {"q": "mi"}).status_code == status
    assert client.post(reverse("search:saved_delete", args=[saved.pk])).status_code == status
    assert SavedSearch.objects.count() == 1


def test_anonymous_posts_are_sent_to_log_in(client):
    response = client.post(reverse("search:saved"), {"q": "mi"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not SavedSearch.objects.exists()


def test_the_page_lists_matches_and_marks_them_seen(client):
    mi = ConditionFactory(name="Myocardial infarction")
    user = make_clinician()
    save(user, q="MI", name="Infarcts")
    case = new_case(title="Inferior STEMI", diagnosis=mi)
    client.force_login(user)
    page = client.get(reverse("search:saved")).content.decode()
    assert "Inferior STEMI" in page and "New" in page and case.url in page
    assert SavedSearchMatch.objects.get(user=user).seen_at is not None


def test_a_stale_filter_is_shown_on_the_page(client):
    user = make_clinician()
    SavedSearch.objects.create(user=user, name="old", filters={"specialty": ["Gone"]})
    client.force_login(user)
    assert (
        "Specialty “Gone” no longer exists." in client.get(reverse("search:saved")).content.decode()
    )
