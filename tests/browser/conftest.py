"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Chromium is never downloaded: ``make test`` installs Debian's ``chromium`` where it is missing
(``scripts/browser_tools.py``), and a test skips without it (a failure in CI, where
``CASEBOOK_REQUIRE_SERVICES=1``). The pages run under the site's real Content-Security-
Policy; every test fails on a script error or a CSP violation. Screenshots go to
``test-artifacts/`` (or ``CASEBOOK_TEST_ARTIFACTS``).
"""

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import attach_serialized_rows
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("CASEBOOK_TEST_ARTIFACTS") or ROOT / "test-artifacts")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The narrowest screen the site supports.
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
#: axe-core rule tags checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, answering one request at a time.

    With the in-memory SQLite of a local run, every request thread of Django's threaded
    server shares the test's one connection, and with it its transaction: parallel requests
    (the viewer fetches several images at once) then fail with "database table is locked".
    Served one at a time they cannot interleave; Django sends "Connection: close" from a
    server without threads, so the browser's parallel connections are queued, not stuck.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
    from pytest_django.live_server_helper import LiveServer

    class SerialLiveServerThread(LiveServerThread):
        def _create_server(self, connections_override=None):
            address = (self.host, self.port)
            return WSGIServer(address, QuietWSGIRequestHandler, allow_reuse_address=False)

    server = LiveServer("localhost", start=False)
    threaded = server.thread
    server.thread = SerialLiveServerThread(
        threaded.host,
        threaded.static_handler,
        connections_override=threaded.connections_override,
        port=threaded.port,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: run `make test`, which installs Debian's package")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test code's database
    # calls are still synchronous, so Django's guard against async contexts is lifted.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            attach_serialized_rows()  # new connection objects from here on: see there
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Tab:
    """A page in its own browser context that records script errors and CSP violations."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation: {message.text}")

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")
        return response

    def sign_in_as(self, user):
        """Start a session for ``user`` without the login form (it is tested elsewhere)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url}]
        )

    def log_in(self, username: str, password: str = PASSWORD):
        self.go("/accounts/login/")
        self.page.fill("input[name=login]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def axe_violations(self, impacts=("serious", "critical")) -> list[str]:
        """axe-core's serious and critical WCAG A/AA violations on the current page."""
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
        # Evaluated through the DevTools protocol, which the page's CSP does not govern.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return [
            f"{rule['id']} ({rule['impact']}): {rule['help']} at "
            + json.dumps([node["target"] for node in rule["nodes"][:3]])
            for rule in result["violations"]
            if rule["impact"] in impacts
        ]

    def horizontal_overflow(self) -> int:
        """Pixels the page is wider than the window (0 when nothing scrolls sideways)."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def close(self):
        self.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.browser_failed = report.failed


@pytest.fixture
def tabs(request, chromium, live_server):
    """``tabs(viewport=DESKTOP)`` opens a fresh, logged-out tab; each is checked for script
    errors and CSP violations when the test ends, and photographed if the test failed."""
    opened: list[Tab] = []

    def open_tab(viewport=DESKTOP, **options) -> Tab:
        context = chromium.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        tab = Tab(context, live_server.url)
        opened.append(tab)
        return tab

    yield open_tab
    if getattr(request.node, "browser_failed", False):
        for number, tab in enumerate(opened, start=1):
            tab.screenshot(f"failed-{request.node.name}-tab{number}", full_page=True)
    problems = [problem for tab in opened for problem in tab.problems]
    for tab in opened:
        tab.close()
    # The server answers one request at a time: once this one is answered, nothing a closed
    # tab started is still writing when the test's database is reset.
    with urllib.request.urlopen(live_server.url + "/static/css/casebook.css", timeout=120):  # noqa: S310
        pass
    assert problems == []


@pytest.fixture
def case_with_media():
    """``case_with_media(author, files)``: a published case of ``author`` whose latest version,
    holding ``files`` processed by the real pipeline, an editor has approved."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from media_pipeline.services import ingest_upload
    from tests.factories import CasePageFactory, make_editor

    def make(author, files, **fields):
        page = CasePageFactory(owner=author, **fields)
        ingest_upload(page, author, [SimpleUploadedFile(f.name, f.data) for f in files])
        page.refresh_from_db()
        page.get_latest_revision().publish(user=make_editor())
        page.refresh_from_db()
        return page

    return make
