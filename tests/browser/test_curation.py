"""The issue's "done" in a real browser: an editor features a case with a blurb, schedules
next week's case of the week and publishes a collection; a clinician sees them on the home
and specialty pages, saves a case to a personal collection, shares it with a colleague and
takes the quiz. Debian's Chromium through Playwright, at a phone's width for the clinician.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from curation.models import CollectionPage, WeeklyCase
from curation.models.featured import monday_of
from tests.browser.conftest import ARTIFACTS
from tests.factories import (
    CasePageFactory,
    ConditionFactory,
    SpecialtyFactory,
    make_clinician,
    make_editor,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(chromium):
    """The session's Chromium (tests/browser/conftest.py): one Playwright per process."""
    return chromium


def signed_in(browser, live_server, user, width=1280):
    """A browser page with ``user``'s session (their sign-in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def choose_case(page, title):
    """Open the last "Choose a page (Case)" chooser and pick ``title``."""
    page.get_by_role("button", name="Choose a page (Case)").last.click()
    modal = page.locator(".modal-content")
    modal.locator("input[name=q]").fill(title[:30])
    modal.get_by_role("link", name=title[:30]).first.click()
    modal.wait_for(state="detached")


def publish(page):
    page.locator("footer [data-w-dropdown-target=toggle], footer .dropdown-toggle").first.click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()


def test_editor_curates_and_a_clinician_learns(browser, live_server):
    neuro = SpecialtyFactory(name="Neurology")
    sah = ConditionFactory(name="Subarachnoid haemorrhage")
    author = make_clinician(display_name="Dr Author")
    thunderclap = CasePageFactory(
        owner=author, title="Thunderclap headache at the gym", specialty=neuro, diagnosis=sah,
        summary="Sudden severe headache during exercise.", history="Worst headache ever.",
    )  # fmt: skip
    stroke = CasePageFactory(owner=author, title="Aphasia on waking", specialty=neuro)
    editor = make_editor(username="editor-eve")
    clinician = make_clinician(display_name="Dr Reader", specialty=neuro)
    colleague = make_clinician(display_name="Dr Colleague")

    # The editor features a case with a blurb and publishes the home page.
    admin = signed_in(browser, live_server, editor)
    admin.goto(f"{live_server.url}/admin/pages/")
    admin.goto(f"{live_server.url}/admin/pages/{thunderclap.get_parent().get_parent().pk}/edit/")
    admin.get_by_role("button", name="Add featured case").click()
    choose_case(admin, thunderclap.title)
    admin.locator("textarea[name$='-blurb']").last.fill("A normal CT does not close it.")
    publish(admin)
    assert "published" in admin.content().lower()

    # ... schedules next week's case of the week ...
    next_week = monday_of(timezone.localdate()) + datetime.timedelta(weeks=1)
    admin.goto(f"{live_server.url}/admin/snippets/curation/weeklycase/add/")
    # Set without focusing the field: its date picker would cover the page chooser.
    admin.locator("input[name=week_starting]").evaluate(
        "(field, value) => { field.value = value; }", next_week.isoformat()
    )
    choose_case(admin, stroke.title)
    admin.get_by_role("button", name="Save").first.click()
    admin.wait_for_load_state()
    assert WeeklyCase.objects.get().week_starting == next_week

    # ... and builds and publishes a quiz collection.
    index = thunderclap.get_parent().get_parent().get_children().get(slug="collections")
    admin.goto(f"{live_server.url}/admin/pages/add/curation/collectionpage/{index.pk}/")
    admin.locator("input[name=title]").fill("Cannot-miss headaches")
    admin.locator("textarea[name=intro]").fill("Headaches that must not be missed.")
    admin.get_by_role("button", name=re.compile(r"^Choose .*specialty", re.I)).click()
    modal = admin.locator(".modal-content")
    modal.get_by_role("link", name="Neurology").click()
    modal.wait_for(state="detached")
    admin.locator("input[name=quiz]").check()
    for case in (thunderclap, stroke):
        admin.get_by_role("button", name="Add case").click()
        choose_case(admin, case.title)
    publish(admin)
    collection = CollectionPage.objects.get()
    assert collection.live and collection.items.count() == 2

    # A clinician, on a phone, sees them on the home page and the specialty page.
    phone = signed_in(browser, live_server, clinician, width=390)
    phone.goto(f"{live_server.url}/")
    featured = phone.locator("section[aria-labelledby=featured]")
    assert "A normal CT does not close it." in featured.inner_text()
    assert "Cannot-miss headaches" in phone.content()
    phone.goto(f"{live_server.url}/specialties/neurology/")
    assert "A normal CT does not close it." in phone.content()
    assert "Cannot-miss headaches" in phone.content()

    # ... saves a case to a personal collection and shares it with a colleague ...
    phone.goto(f"{live_server.url}{stroke.url}")
    phone.get_by_role("link", name="Save to a collection").click()
    phone.locator("input[name=new_title]").fill("Neuro teaching")
    phone.get_by_role("button", name="Save").click()
    phone.goto(f"{live_server.url}/saved/")
    phone.get_by_role("link", name="Neuro teaching").click()
    phone.locator("input[name=user]").fill(colleague.username)
    phone.get_by_role("button", name="Share").click()
    assert "Shared with Dr Colleague" in phone.content()

    # ... and takes the quiz.
    phone.goto(f"{live_server.url}{collection.url}")
    phone.get_by_role("link", name="Take the quiz").click()
    phone.get_by_role("button", name="Start the quiz").click()
    assert "Subarachnoid" not in phone.content() and "Thunderclap" not in phone.content()
    phone.locator("input[name=guess]").fill("Subarachnoid haemorrhage")
    phone.get_by_role("button", name="Record my guess and reveal").click()
    assert "right" in phone.locator("#answer").inner_text()
    phone.get_by_role("link", name="Next case").click()
    phone.locator("input[name=guess]").fill("Subarachnoid haemorrhage")
    phone.get_by_role("button", name="Record my guess and reveal").click()
    phone.get_by_role("link", name="See your score").click()
    score = phone.locator(".cb-score").inner_text()
    assert score.startswith("1 of 2")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "quiz-score.png"), full_page=True)

    colleague_page = signed_in(browser, live_server, colleague)
    colleague_page.goto(f"{live_server.url}/saved/")
    assert "Neuro teaching" in colleague_page.content()
