"""Editors feature cases from the home page's editor and schedule cases of the week; bad
choices are refused with a message; each decision is in the case's history and tells its
author."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms.models import HomePage
from curation.models import HomeFeaturedCase, WeeklyCase
from curation.models.featured import monday_of
from notifications.models import Event, Notification
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db


def home_form(entries):
    home = HomePage.objects.get()
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "tagline": home.tagline,
            "landing_text": home.landing_text,
            "featured_cases": inline_formset(
                [
                    {"case": case.pk, "blurb": blurb, "show_from": "", "show_until": ""}
                    for case, blurb in entries
                ]  # fmt: skip
            ),
        }
    )
    form_class = home.get_edit_handler().get_form_class()
    return form_class(data, instance=home, for_user=None)


def errors(form):
    found = [str(e) for e in form.errors.get("__all__", [])]
    for formset in form.formsets.values():
        for child in formset.forms:
            found += [str(e) for field in child.errors.values() for e in field]
    return " ".join(found)


def test_publishing_the_home_page_features_cases(
    client, editor, case, django_capture_on_commit_callbacks
):
    home = HomePage.objects.get()
    client.force_login(editor)
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "tagline": home.tagline,
            "landing_text": home.landing_text,
            "featured_cases": inline_formset(
                [{"case": case.pk, "blurb": "A classic.", "show_from": "", "show_until": ""}]
            ),
            "action-publish": "publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{home.pk}/edit/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.featured
    entry = PageLogEntry.objects.get(page=case, action="casebook.curation.feature")
    assert entry.user == editor and entry.data["blurb"] == "A classic."
    assert Notification.objects.filter(recipient=case.owner, event=Event.CASE_FEATURED).exists()
    history = client.get(f"/admin/pages/{case.pk}/history/").content.decode()
    assert "Featured on the home page: A classic." in history

    # A later publish of the case's own revision keeps it featured.
    case.save_revision(user=case.owner).publish()
    case.refresh_from_db()
    assert case.featured


def test_featuring_an_unpublished_case_is_refused(author):
    draft = CasePageFactory(owner=author, title="Not yet out")
    draft.unpublish()
    form = home_form([(draft, "Blurb")])
    assert not form.is_valid()
    assert "“Not yet out” is not published" in errors(form)


def test_featuring_a_restricted_case_is_refused(author):
    restricted = CasePageFactory(owner=author, title="Only for some")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    form = home_form([(restricted, "Blurb")])
    assert not form.is_valid()
    assert "restricted" in errors(form)


def test_featuring_a_case_twice_is_refused(case):
    form = home_form([(case, "One"), (case, "Two")])
    assert not form.is_valid()
    assert "already in the featured cases" in errors(form)


def test_an_end_before_the_start_is_refused(case):
    entry = HomeFeaturedCase(
        home=HomePage.objects.get(),
        case=case,
        blurb="x",
        show_from=timezone.now(),
        show_until=timezone.now() - datetime.timedelta(hours=1),
    )
    with pytest.raises(Exception, match="end must come after the start"):
        entry.full_clean()


def test_an_editor_schedules_next_weeks_case(client, editor, case):
    client.force_login(editor)
    next_week = monday_of(timezone.localdate()) + datetime.timedelta(days=9)  # a Wednesday

    response = client.post(
        "/admin/snippets/curation/weeklycase/add/",
        {"week_starting": next_week.isoformat(), "case": case.pk, "blurb": "Look closely."},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    weekly = WeeklyCase.objects.get()
    assert weekly.week_starting == monday_of(next_week)
    assert weekly.scheduled_by == editor
    logged = PageLogEntry.objects.get(page=case, action="casebook.curation.case_of_the_week")
    assert logged.user == editor
    assert Notification.objects.filter(event=Event.CASE_OF_THE_WEEK, recipient=case.owner).exists()


def test_two_cases_of_the_week_on_one_week_are_refused(client, editor, case, author):
    client.force_login(editor)
    monday = monday_of(timezone.localdate()) + datetime.timedelta(weeks=2)
    WeeklyCase.objects.create(week_starting=monday, case=case)
    other = CasePageFactory(owner=author)

    response = client.post(
        "/admin/snippets/curation/weeklycase/add/",
        {"week_starting": (monday + datetime.timedelta(days=3)).isoformat(), "case": other.pk},
    )

    assert response.status_code == 200
    assert "already has a case of the week" in response.content.decode()
    assert WeeklyCase.objects.count() == 1


def test_scheduling_an_unpublished_case_is_refused(client, editor, author):
    client.force_login(editor)
    draft = CasePageFactory(owner=author)
    draft.unpublish()
    response = client.post(
        "/admin/snippets/curation/weeklycase/add/",
        {"week_starting": timezone.localdate().isoformat(), "case": draft.pk},
    )
    assert response.status_code == 200
    assert "is not published" in response.content.decode()
    assert not WeeklyCase.objects.exists()


def test_the_case_of_the_week_preview_shows_its_card(client, editor, case):
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/curation/weeklycase/preview/",
        {"week_starting": timezone.localdate().isoformat(), "case": case.pk, "blurb": "Why"},
    )
    assert response.json()["is_valid"]
    html = client.get("/admin/snippets/curation/weeklycase/preview/").content.decode()
    assert case.title in html and "Why" in html
