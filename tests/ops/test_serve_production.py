"""`make serve-production` for real: collectstatic, then gunicorn with production settings.

Slow (collectstatic compresses every static file, about 20 s), so one module-scoped server.
"""

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(tmp: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TASKS_"))}
    env.pop("ELASTICSEARCH_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="serve-production-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        CASEBOOK_STATIC_ROOT=str(tmp / "static"),
        CASEBOOK_MEDIA_ROOT=str(tmp / "media"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = _production_env(tmp, port)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    log = (tmp / "gunicorn.log").open("w+")
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(GUNICORN), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    try:
        yield base, tmp, Path(log.name)
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_probes_answer_under_gunicorn(server):
    base, _, _ = server
    assert _get(f"{base}/healthz")[0] == 200
    status, _, body = _get(f"{base}/readyz")
    assert status == 200
    assert json.loads(body)["status"] == "ok"


def test_static_files_are_hashed_compressed_and_cached_for_ever(server):
    base, tmp, _ = server
    manifest = json.loads((tmp / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/casebook.css"]
    assert hashed != "css/casebook.css"
    status, headers, body = _get(f"{base}/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert b"{" in gzip.decompress(body)
    assert "immutable" in headers["Cache-Control"]


def test_media_is_never_served_as_a_static_file(server):
    base, tmp, _ = server
    secret = tmp / "media" / "clinical" / "cases" / "x.webp"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"anonymised but private")
    for path in ("/static/clinical/cases/x.webp", "/media-not-served/clinical/cases/x.webp"):
        status, _, body = _get(f"{base}{path}")
        assert status == 404
        assert b"private" not in body


def test_requests_are_logged_as_json_lines_without_paths(server):
    base, _, log = server
    _get(f"{base}/readyz?q=crushing+pain", **{"X-Request-ID": "trace-abcdef123"})
    time.sleep(0.5)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    [line] = [line for line in lines if line.get("request_id") == "trace-abcdef123"]
    assert (line["view"], line["status"]) == ("readyz", 200)
    assert "crushing" not in log.read_text()


def test_gunicorn_refuses_to_start_with_an_unreachable_database(tmp_path):
    env = _production_env(tmp_path, _free_port())
    env["DATABASE_URL"] = f"postgres://casebook:pw@127.0.0.1:{_free_port()}/casebook"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(GUNICORN), "-c", "gunicorn.conf.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL: cannot connect to the database (OperationalError)" in result.stderr
