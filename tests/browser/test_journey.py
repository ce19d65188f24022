"""The whole journey in a real browser, as clinicians and an editor would go through it:

sign up -> confirm the email -> an editor verifies -> the clinician posts a case with a DICOM
series (zip) and a photo -> processing completes -> submit -> the editor approves -> another
clinician searches with a synonym of the condition, opens the case, scrolls the stack with the
wheel, changes the window preset, zooms -> proposes a diagnosis -> the author confirms it.

The screenshots of the key pages are written to test-artifacts/ (the README shows some).
"""

import re

import pytest
from django.core import mail

from cases.models import CasePage
from cases.synthetic_media import as_zip, ct_series, skin_photo
from tests.browser.conftest import PHONE
from tests.factories import (
    PASSWORD,
    BodySystemFactory,
    ConditionFactory,
    SpecialtyFactory,
    make_clinician,
    make_editor,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def taxonomy():
    return {
        "condition": ConditionFactory(name="Pulmonary embolism", synonyms="PE\nlung clot\nPTE"),
        "other": ConditionFactory(name="Pneumothorax", synonyms="PTX"),
        "specialty": SpecialtyFactory(name="Respiratory medicine"),
        "system": BodySystemFactory(name="Respiratory"),
    }


@pytest.fixture
def uploads(tmp_path):
    """A CT series as a zip (small, to keep the test quick) and a photo with GPS in EXIF."""
    series = as_zip(ct_series("pulmonary_embolism", slices=12, size=128), "ctpa.zip")
    photo = skin_photo("erythema", width=640, height=480)
    paths = {}
    for item in (series, photo):
        paths[item.name] = tmp_path / item.name
        paths[item.name].write_bytes(item.data)
    return paths


def sign_up(tab, taxonomy):
    tab.go("/accounts/signup/")
    page = tab.page
    page.fill("input[name=email]", "sam.author@example.org")
    page.fill("input[name=username]", "samauthor")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=full_name]", "Sam Author")
    page.fill("input[name=display_name]", "Dr Sam")
    page.select_option("select[name=profession]", "doctor")
    page.select_option("select[name=specialty]", str(taxonomy["specialty"].pk))
    page.fill("input[name=country]", "United Kingdom")
    page.select_option("select[name=registration_body]", "GMC")
    page.fill("input[name=registration_number]", "7654321")
    page.fill("input[name=workplace]", "A teaching hospital")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "verify your email" in page.content().lower() or "confirm" in page.content().lower()


def confirm_email(tab):
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    tab.page.goto(link)
    with tab.page.expect_navigation():
        tab.page.click("main button[type=submit]")


def post_case(tab, uploads):
    page = tab.page
    tab.go("/contribute/new/")
    assert page.input_value("#id_specialty") != "", "specialty defaults to the author's"
    page.fill("#id_title", "Breathless and hypoxic after a long-haul flight")
    page.fill("#id_summary", "Pleuritic pain and hypoxia; CT pulmonary angiography was diagnostic.")
    page.select_option("#id_age_band", "30-34")
    page.select_option("#id_sex", "female")
    page.get_by_label("Respiratory", exact=True).check()
    page.fill("#id_history", "Sudden breathlessness on the morning after a 12-hour flight.")
    page.fill("#id_examination", "Heart rate 118, SpO2 89% on air, clear chest.")
    page.fill("#id_imaging_findings", "Saddle filling defect in the pulmonary trunk.")
    page.fill("#id_diagnosis", "PE")
    page.wait_for_selector("#id_diagnosis + .suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_diagnosis") == "Pulmonary embolism"
    page.fill("#id_differentials_add", "PTX")
    page.wait_for_selector("#id_differentials_add + .suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.fill("#id_differentials_add", "Viral pleurisy")
    page.keyboard.press("Enter")
    page.select_option("#id_certainty", "certain")
    page.select_option("#id_case_mode", "opinion")
    page.fill("#id_management_outcome", "Anticoagulated; home on day 3.")
    page.fill("#id_learning_points", "- Ask about travel.")
    assert page.inner_text("[data-progress-summary]") == "4 of 4 sections filled in"
    tab.screenshot("post-form")
    with page.expect_navigation():
        page.click("#case-form button[type=submit]")
    page.set_input_files("#media-files", [str(path) for path in uploads.values()])
    page.wait_for_function(
        "() => document.querySelectorAll('.upload-row.state-ready').length === 2", timeout=60_000
    )
    page.wait_for_function("() => document.querySelectorAll('.media-draft-item').length === 2")
    ct = page.locator(".media-draft-item", has_text="CT ·")
    ct.locator("input[name=caption]").fill("CT pulmonary angiogram: saddle embolus")
    ct.locator("button", has_text="Save caption").click()
    page.wait_for_selector(".form-feedback:has-text('Caption saved')")
    tab.screenshot("post-form-images")
    case = CasePage.objects.get(owner__username="samauthor")
    tab.go(f"/contribute/{case.pk}/submit/")
    page.check("input[name=consent][value=consent_obtained]")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return case


def approve_in_admin(tab, case):
    page = tab.page
    tab.go(f"/admin/pages/{case.pk}/edit/")
    page.click("button:has-text('More actions')")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    case.refresh_from_db()
    assert case.live


def view_as_peer(tab):
    page = tab.page
    tab.go("/search/?q=lung+clot")
    link = page.get_by_role("link", name=re.compile("Breathless and hypoxic"))
    tab.screenshot("search")
    with page.expect_navigation():
        link.click()
    tab.screenshot("case")
    page.click("a.media-open:has-text('Open the stack')")
    page.wait_for_selector("[data-viewer-canvas][data-viewer-ready]")
    counter = page.locator("[data-viewer-counter]")
    assert counter.inner_text() == "Image 6 of 12"
    box = page.locator("[data-viewer-canvas]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3):
        page.mouse.wheel(0, 120)
    page.wait_for_function(
        "() => document.querySelector('[data-viewer-counter]').textContent !== 'Image 6 of 12'"
    )
    page.select_option("[data-viewer-preset]", "lung")
    assert page.inner_text("[data-viewer-wl]") == "W 1500 · L -600 HU"
    before = page.locator("[data-viewer-canvas] canvas").first.screenshot()
    page.click("[data-viewer-zoom=in]")
    after = page.locator("[data-viewer-canvas] canvas").first.screenshot()
    assert before != after, "zooming changes what the canvas shows"
    tab.screenshot("case-viewer")
    page.keyboard.press("Escape")


def propose(tab):
    page = tab.page
    form = page.locator("details.propose form")
    form.locator("input[name=diagnosis]").fill("Pulmonary embolism")
    form.locator("textarea[name=rationale]").fill("Travel, hypoxia and a filling defect.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".proposal-label", has_text="Pulmonary embolism").count() == 1


def confirm_diagnosis(tab, case):
    page = tab.page
    tab.go(case.url)
    with page.expect_navigation():
        page.click("a:has-text('Confirm the diagnosis')")
    page.fill("input[name=diagnosis]", "Pulmonary embolism")
    page.select_option("select[name=certainty]", "certain")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Confirmed: Pulmonary embolism" in page.inner_text("#confirmed-diagnosis")


def test_post_review_and_read_a_case(tabs, taxonomy, uploads):
    author_tab, editor_tab, peer_tab = tabs(), tabs(), tabs()
    editor = make_editor()
    peer = make_clinician()

    sign_up(author_tab, taxonomy)
    confirm_email(author_tab)
    author_tab.log_in("samauthor")
    assert "verification is pending" in author_tab.go("/cases/").text()

    editor_tab.sign_in_as(editor)
    editor_tab.go("/admin/verification/")
    with editor_tab.page.expect_navigation():
        editor_tab.page.locator("tr", has_text="Sam Author").locator(
            "button", has_text="Verify"
        ).click()

    case = post_case(author_tab, uploads)
    approve_in_admin(editor_tab, case)

    peer_tab.sign_in_as(peer)
    tab = peer_tab
    tab.go("/")
    tab.screenshot("home")
    view_as_peer(tab)
    propose(tab)
    confirm_diagnosis(author_tab, case)


def test_phone_width_case_and_post_form(tabs, taxonomy, uploads):
    """At 360 px: the post form and a case page (with its viewer) fit without sideways
    scrolling, and the viewer's controls are reachable."""
    author = make_clinician()
    tab = tabs(viewport=PHONE, has_touch=True, is_mobile=True)
    tab.sign_in_as(author)
    tab.go("/contribute/new/")
    assert tab.horizontal_overflow() == 0
    tab.screenshot("phone-post-form")
    post_case_minimal(tab, taxonomy)
    tab.page.set_input_files("#media-files", [str(uploads["ctpa.zip"])])
    tab.page.wait_for_function(
        "() => document.querySelectorAll('.media-draft-item').length === 1", timeout=60_000
    )
    assert tab.horizontal_overflow() == 0
    case = CasePage.objects.get(owner=author)
    tab.go(f"/contribute/{case.pk}/preview/")
    assert tab.horizontal_overflow() == 0
    tab.page.click("a.media-open")
    tab.page.wait_for_selector("[data-viewer-canvas][data-viewer-ready]")
    assert tab.page.get_by_role("button", name="Scroll").get_attribute("aria-pressed") == "true"
    tab.page.fill("#viewer-slider", "12")
    assert tab.page.inner_text("[data-viewer-counter]") == "Image 12 of 12"
    assert tab.horizontal_overflow() == 0
    tab.screenshot("phone-case-viewer")


def post_case_minimal(tab, taxonomy):
    page = tab.page
    page.fill("#id_title", "Pleuritic pain after a flight")
    page.fill("#id_summary", "Hypoxia after travel.")
    page.select_option("#id_age_band", "30-34")
    page.select_option("#id_sex", "female")
    page.select_option("#id_specialty", str(taxonomy["specialty"].pk))
    page.get_by_label("Respiratory", exact=True).check()
    page.fill("#id_history", "Breathless after a flight.")
    page.fill("#id_examination", "SpO2 89%.")
    page.fill("#id_diagnosis", "Pulmonary embolism")
    page.select_option("#id_certainty", "certain")
    page.select_option("#id_case_mode", "teaching")
    page.fill("#id_management_outcome", "Anticoagulated.")
    page.fill("#id_learning_points", "Ask about travel.")
    with page.expect_navigation():
        page.click("#case-form button[type=submit]")
