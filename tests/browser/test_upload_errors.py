"""Bad input through the browser: each refused file says why next to it while the others carry
on; leaving the page mid-upload warns; the viewer explains an image it cannot show."""

import io
import zipfile

import pytest

from cases.synthetic_media import ct_series, skin_photo, ultrasound_frame
from tests.factories import CasePageFactory, make_clinician

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_FILE_BYTES = 300_000


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("slice.dcm", b"\0" * (8 << 20))
    return buffer.getvalue()


@pytest.fixture
def files(tmp_path):
    good_slice = ct_series("lung_nodule", slices=1, size=64)[0].data
    contents = {
        "photo.jpg": skin_photo(width=320, height=240).data,
        "notes.txt": b"Clinic letter, not an image",
        "corrupt.dcm": good_slice[: len(good_slice) // 2],
        "bomb.zip": _zip_bomb(),
        "huge.dcm": b"\0" * (MAX_FILE_BYTES + 1),
        "empty.dcm": b"",
    }
    paths = {}
    for name, data in contents.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


@pytest.fixture
def author_tab(tabs):
    author = make_clinician()
    case = CasePageFactory(owner=author, live=False)
    tab = tabs()
    tab.sign_in_as(author)
    tab.go(f"/contribute/{case.pk}/edit/")
    return tab


def test_each_bad_file_shows_its_own_reason(author_tab, files, settings):
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "MAX_FILE_BYTES": MAX_FILE_BYTES}
    author_tab.page.reload()
    page = author_tab.page
    page.set_input_files("#media-files", [str(path) for path in files.values()])
    page.wait_for_function(
        "() => document.querySelectorAll('.upload-row').length === 6 && "
        "!document.querySelector('.upload-row.state-waiting, .upload-row.state-uploading, "
        ".upload-row.state-processing')",
        timeout=60_000,
    )
    rows = {
        row.locator(".upload-name").inner_text().split(" (")[0]: row
        for row in page.locator(".upload-row").all()
    }
    expected = {
        "photo.jpg": ("state-ready", "Ready"),
        "notes.txt": ("state-failed", "The file is not DICOM."),
        "corrupt.dcm": ("state-failed", "The DICOM"),
        "bomb.zip": ("state-failed", "possible zip bomb"),
        "huge.dcm": ("state-failed", "too large: at most 293 KB per file"),
        "empty.dcm": ("state-failed", "the file is empty (0 bytes)"),
    }
    for name, (state, reason) in expected.items():
        assert state in rows[name].get_attribute("class"), name
        assert reason in rows[name].inner_text(), name
    page.wait_for_function("() => document.querySelectorAll('.media-draft-item').length === 1")
    author_tab.screenshot("upload-errors")


def test_leaving_mid_upload_asks_first(author_tab, tmp_path):
    page = author_tab.page
    big = tmp_path / "series.zip"
    big.write_bytes(b"PK\x03\x04" + bytes(250_000))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 20_000},
    )
    page.click("#media-upload-heading")  # the page has had a user gesture, as in real use
    page.set_input_files("#media-files", [str(big)])
    page.wait_for_selector(".upload-row.state-uploading")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed(), "staying on the page keeps the upload going"
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.wait_for_selector(".upload-row.state-failed", timeout=60_000)


def test_viewer_explains_an_image_waiting_for_an_editor(author_tab, tmp_path):
    page = author_tab.page
    scan = tmp_path / "ultrasound.dcm"
    scan.write_bytes(ultrasound_frame().data)
    page.set_input_files("#media-files", [str(scan)])
    page.wait_for_selector(".upload-row.state-quarantined", timeout=60_000)
    page.wait_for_selector(".media-draft-item a.media-thumb")
    page.click(".media-draft-item a.media-thumb")
    message = page.locator("[data-viewer-message]")
    message.wait_for(state="visible")
    assert "An editor has to check this image for identifying text" in message.inner_text()
    assert page.locator("[data-viewer-canvas]").is_hidden()
