"""Pure helpers of scripts/services.py's package, scripts/casebook_services (no service is
started here)."""

import datetime as dt
import importlib
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# The script puts scripts/ on sys.path by being run from it; appended, not prepended, so
# scripts/services.py cannot shadow an app module named `services`.
sys.path.append(str(Path(__file__).resolve().parent.parent / "scripts"))
common = importlib.import_module("casebook_services.common")
java = importlib.import_module("casebook_services.java")
search = importlib.import_module("casebook_services.search")
s3 = importlib.import_module("casebook_services.s3")
state = importlib.import_module("casebook_services.state")


def test_render_env_round_trips_through_bash(tmp_path):
    env = {"B_URL": "postgres://u:p@127.0.0.1:5/db", "A_ODD": 'it\'s $HOME `x` "q" a b'}
    env_file = tmp_path / "env"
    env_file.write_text(common.render_env(env))

    script = f'. {env_file}; printf "%s\\n%s" "$A_ODD" "$B_URL"'
    bash = shutil.which("bash")
    out = subprocess.run([bash, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603

    assert out.stdout.split("\n") == [env["A_ODD"], env["B_URL"]]
    assert env_file.read_text().splitlines()[0].startswith("export A_ODD=")


def test_free_port_is_bindable():
    port = common.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_free_port_in_range_skips_a_taken_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        assert common.free_port(busy, busy + 50) > busy


def test_free_port_in_a_fully_taken_range_fails():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        busy = taken.getsockname()[1]
        with pytest.raises(common.ServiceError):
            common.free_port(busy, busy)


VERSIONS = (("3.x", 21, None), ("2.x", 11, 23))


def test_pick_version_prefers_first_version_and_newest_jdk():
    jdks = {17: Path("/jdk17"), 21: Path("/jdk21"), 25: Path("/jdk25")}
    assert java.pick_version(VERSIONS, jdks) == ("3.x", Path("/jdk25"))


def test_pick_version_falls_back_within_the_java_range():
    jdks = {11: Path("/jdk11"), 17: Path("/jdk17")}
    assert java.pick_version(VERSIONS, jdks) == ("2.x", Path("/jdk17"))


def test_pick_version_without_a_usable_jdk_fails():
    with pytest.raises(common.ServiceError, match="no installed JDK"):
        java.pick_version(VERSIONS, {8: Path("/jdk8")})


@pytest.mark.parametrize(
    ("release", "major"),
    [
        ('IMPLEMENTOR="Debian"\nJAVA_VERSION="17.0.15"\n', 17),
        ('JAVA_VERSION="1.8.0_392"\n', 8),
        ('JAVA_VERSION="25"\nOS_NAME="Linux"\n', 25),
        ('OS_NAME="Linux"\n', None),
    ],
)
def test_java_major(release, major):
    assert java.java_major(release) == major


def test_runner_http_port_reads_the_announced_port():
    output = "Cluster Name: x\nNode Name:      Node 1\nHTTP Port:      9243\nData Directory: /d\n"
    assert search.runner_http_port(output) == 9243
    assert search.runner_http_port("Cluster Name: x\n") is None


def test_sigv4_headers_match_botocore(monkeypatch):
    botocore_auth = pytest.importorskip("botocore.auth")
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    now = dt.datetime(2026, 11, 23, 1, 2, 3, tzinfo=dt.UTC)
    url = "http://127.0.0.1:4567/casebook-test"
    ours = s3.sigv4_headers("PUT", url, "AKID", "SECRET", "us-east-1", now)

    request = AWSRequest(method="PUT", url=url, data=b"")
    monkeypatch.setattr(botocore_auth, "get_current_datetime", lambda: now.replace(tzinfo=None))
    signer = botocore_auth.S3SigV4Auth(Credentials("AKID", "SECRET"), "s3", "us-east-1")
    signer.add_auth(request)

    assert ours["Authorization"] == request.headers["Authorization"]


def test_tail_returns_the_last_lines(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert common.tail(log, 3) == "line 97\nline 98\nline 99"
    assert "no log" in common.tail(tmp_path / "missing.log")


def test_world_traversable_needs_every_ancestor_open(tmp_path):
    closed = tmp_path / "closed"
    inner = closed / "inner"
    inner.mkdir(parents=True)
    closed.chmod(0o700)
    assert not common.world_traversable(inner)
    assert common.world_traversable(Path("/usr/lib"))


def test_start_ticks_identify_a_process_and_vanish_with_it():
    child = subprocess.Popen(["sleep", "5"])  # noqa: S607
    ticks = common.start_ticks(child.pid)
    assert ticks is not None
    assert common.start_ticks(child.pid) == ticks
    assert state.ours({"pid": child.pid, "started": ticks})
    assert not state.ours({"pid": child.pid, "started": str(int(ticks) + 1)})
    child.kill()
    child.wait()
    assert common.start_ticks(child.pid) is None
    assert not state.ours({"pid": child.pid, "started": ticks})
