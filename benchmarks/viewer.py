"""The case page and its viewer in headless Chromium on localhost: what a clinician waits for.

Seeds a throwaway SQLite database and media folder with one case holding a synthetic CT of
N slices (default 300, 512x512, through the real pipeline), serves it with `manage.py
runserver` (embedded settings, DEBUG, static files from the apps) on a free loopback port,
and drives Debian's Chromium with Playwright. Each page load is a fresh browser context
(cold cache). Prints a markdown table; the baselines are measured in the same run:

- the login page (a plain form, no clinical content) for weight, first paint and LCP;
- the idle frame rate of the open viewer (requestAnimationFrame with nothing to draw) for
  the scrolling frame rate, which steps one slice per frame (an ArrowDown key, as a
  clinician scrolls) and counts the frames actually drawn.

    .venv/bin/python benchmarks/viewer.py [--slices 300] [--size 512] [--runs 5]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "bench-password-not-secret-42"  # noqa: S105


def environment(tmp: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "CASEBOOK_MEDIA_ROOT": f"{tmp}/media",
        "LOG_LEVEL": "WARNING",
    }


def seed(slices: int, size: int) -> tuple[str, str]:
    """A published case with one CT series of ``slices`` images; returns (case URL, the
    session cookie of a verified clinician)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from cases.demo import seed_taxonomy, seed_users
    from cases.models import BodySystem, Condition, Specialty
    from cases.services import CaseData, create_draft
    from cases.synthetic_media import as_zip, ct_series
    from media_pipeline.models import UploadedFile
    from media_pipeline.services import ingest_upload, process_uploaded_file

    seed_users(PASSWORD)
    seed_taxonomy()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    author, editor = users.get(username="demo-clinician"), users.get(username="demo-editor")
    case = create_draft(
        author,
        CaseData(
            fields={
                "title": "Tearing chest pain radiating to the back",
                "summary": "CT aortography showed a Stanford type A dissection.",
                "history": "Sudden tearing central chest pain.\n\n" * 4,
                "examination": "Blood pressure differs between the arms.\n\n" * 4,
                "imaging_findings": "Intimal flap in the ascending and descending aorta.",
                "diagnosis": Condition.objects.get(name="Aortic dissection"),
                "certainty": "certain",
                "management_outcome": "Emergency surgery.\n\n" * 4,
                "learning_points": "- Compare both arms.\n" * 4,
                "discussion_references": "",
                "specialty": Specialty.objects.get(name="Emergency medicine"),
                "age_band": "55-59",
                "sex": "male",
                "case_mode": "teaching",
                "licence": "CC-BY-NC-SA-4.0",
            },
            body_systems=list(BodySystem.objects.filter(name="Cardiovascular")),
            tags=["ct"],
            differentials=[],
        ),
    )
    started = time.perf_counter()
    study = as_zip(ct_series("aortic_dissection", slices=slices, size=size), "ct.zip")
    upload = ingest_upload(case, author, [SimpleUploadedFile(study.name, study.data)])
    for record in UploadedFile.objects.filter(upload=upload):
        process_uploaded_file(record.pk)
    case.refresh_from_db()
    case.get_latest_revision().publish(user=editor)
    case.refresh_from_db()
    print(f"seeded a {slices}-slice {size}x{size} CT in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.force_login(author)
    return case.url, client.cookies[settings.SESSION_COOKIE_NAME].value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("runserver did not answer within 60 s")


PAGE_METRICS = """async () => {
  const entries = (type) => new Promise((resolve) => {
    new PerformanceObserver((list) => resolve(list.getEntries()))
      .observe({type, buffered: true});
    setTimeout(() => resolve([]), 3000);
  });
  const lcp = await entries("largest-contentful-paint");
  const thumbnails = await entries("element");
  const paint = performance.getEntriesByType("paint")
    .find((e) => e.name === "first-contentful-paint");
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const weight = (list) => list.reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize), 0);
  const notImages = resources.filter((e) => e.initiatorType !== "img");
  return {
    fcp: paint ? paint.startTime : null,
    lcp: lcp.length ? lcp[lcp.length - 1].startTime : null,
    thumbnail: thumbnails.length
      ? Math.min(...thumbnails.map((e) => e.renderTime || e.loadTime)) : null,
    weight: navigation.transferSize + weight(notImages),
    images: weight(resources.filter((e) => e.initiatorType === "img")),
    viewerLoaded: resources.some(
      (e) => e.name.includes("/vendor/dwv/") || e.name.includes("/viewer/")),
  };
}"""

SCROLL = """async (steps) => {
  const dialog = document.getElementById("media-viewer");
  const counter = document.querySelector("[data-viewer-counter]");
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  let start = performance.now();
  for (let i = 0; i < steps; i++) { await frame(); }
  const idle = steps / ((performance.now() - start) / 1000);
  let drawn = 0;
  let previous = counter.textContent;
  start = performance.now();
  for (let i = 0; i < steps; i++) {
    const key = Math.floor(i / 120) % 2 ? "ArrowUp" : "ArrowDown";
    dialog.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
    await frame();
    if (counter.textContent !== previous) { drawn += 1; previous = counter.textContent; }
  }
  const seconds = (performance.now() - start) / 1000;
  return {idle, scrolling: drawn / seconds, drawn, steps};
}"""


FIRST_SLICE = (
    "() => /^Image \\d+ of/.test(document.querySelector('[data-viewer-counter]').textContent)"
)


def measure_page(browser, base: str, path: str, cookie: str | None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    metrics = page.evaluate(PAGE_METRICS)
    context.close()
    return metrics


def measure_viewer(browser, base: str, path: str, cookie: str, steps: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    started = time.perf_counter()
    page.click("a.media-open")
    page.wait_for_function(FIRST_SLICE, timeout=120_000)
    first = time.perf_counter() - started
    page.wait_for_selector("[data-viewer-canvas][data-viewer-ready]", timeout=300_000)
    loaded = time.perf_counter() - started
    result = page.evaluate(SCROLL, steps)
    context.close()
    return {"first_slice": first, "all_loaded": loaded, **result}


def median(values) -> float:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=300)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=240)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tmp)
        os.environ.update(env)
        case_url, cookie = seed(args.slices, args.size)
        port = free_port()
        server = start_server(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=ARGS
                )
                measure_page(browser, base, case_url, cookie)  # warm the server
                runs = range(args.runs)
                login = [measure_page(browser, base, "/accounts/login/", None) for _ in runs]
                case = [measure_page(browser, base, case_url, cookie) for _ in runs]
                steps = args.steps
                viewer = [measure_viewer(browser, base, case_url, cookie, steps) for _ in range(3)]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(args, login, case, viewer)


def report(args, login, case, viewer) -> None:
    def of(runs, key, scale=1.0):
        return median(m[key] for m in runs) * scale

    kb, ms = 1 / 1024, 1000
    series = f"{args.slices}-slice series"
    rows = [
        ("baseline: login page, weight (KB)", of(login, "weight", kb), ""),
        ("case page, weight before a viewer opens, images excluded (KB)", of(case, "weight", kb),
         "≤ 300"),
        ("case page, images loaded with it (KB)", of(case, "images", kb), ""),
        ("baseline: login page, first contentful paint (ms)", of(login, "fcp"), ""),
        ("baseline: login page, Largest Contentful Paint (ms)", of(login, "lcp"), ""),
        ("case page, Largest Contentful Paint (ms)", of(case, "lcp"), "≤ 1500"),
        (f"first thumbnail of the {series} visible (ms after navigation)", of(case, "thumbnail"),
         "≤ 1000"),
        ("baseline: viewer idle, frames per second", of(viewer, "idle"), ""),
        (f"stack scrolling, {args.size}² slices drawn per second", of(viewer, "scrolling"),
         "≥ 30"),
        ("viewer: first slice shown after the click (ms)", of(viewer, "first_slice", ms), ""),
        (f"viewer: all {args.slices} slices loaded after the click (ms)",
         of(viewer, "all_loaded", ms), ""),
    ]  # fmt: skip
    fetched = "yes" if any(m["viewerLoaded"] for m in case) else "no"
    print(f"\n{args.runs} cold loads of each page, 3 viewer sessions; viewer code fetched")
    print(f"before a viewer opened: {fetched}\n")
    print("| measure | median | target |")
    print("|---|---:|---|")
    for label, value, target in rows:
        print(f"| {label} | {value:.0f} | {target} |")


if __name__ == "__main__":
    main()
