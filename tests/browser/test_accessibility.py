"""axe-core on every page a clinician uses: no serious or critical WCAG 2.2 A/AA violation,
on a workstation and on a phone, with the case's viewer open too."""

import pytest

from cases.synthetic_media import as_zip, ct_series, skin_photo
from tests.browser.conftest import PHONE
from tests.factories import make_clinician

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pages_have_no_serious_accessibility_violations(tabs, case_with_media):
    author = make_clinician()
    files = [
        as_zip(ct_series("lung_nodule", slices=6, size=128)),
        skin_photo(width=320, height=240),
    ]
    case = case_with_media(author, files, title="A nodule found on a trauma CT")
    found = {}

    anonymous = tabs()
    anonymous.go("/")
    found["landing"] = anonymous.axe_violations()

    for viewport in (None, PHONE):
        tab = tabs(viewport=viewport) if viewport else tabs()
        tab.sign_in_as(author)
        suffix = " (phone)" if viewport else ""
        for name, path in (
            ("home", "/"),
            ("search", "/search/?q=nodule"),
            ("case", case.url),
            ("post a case", "/contribute/new/"),
            ("edit a case", f"/contribute/{case.pk}/edit/"),
            ("my cases", "/contribute/"),
            ("notifications", "/notifications/"),
        ):
            tab.go(path)
            found[name + suffix] = tab.axe_violations()
            assert tab.horizontal_overflow() == 0, f"{name}{suffix} scrolls sideways"
        tab.go(case.url)
        tab.page.click("a.media-open")
        tab.page.wait_for_selector("[data-viewer-canvas][data-viewer-ready]")
        found["viewer" + suffix] = tab.axe_violations()

    assert {name: problems for name, problems in found.items() if problems} == {}
