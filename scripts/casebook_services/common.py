"""Shared by every service: paths, ports, processes, system users and data dirs, HTTP
polls and the error that reports a failed start."""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent
ROOT = SCRIPTS.parent
STATE = ROOT / ".services"
CACHE = Path(os.environ.get("CASEBOOK_CACHE") or Path.home() / ".cache" / "casebook")
SERVICES = ("postgres", "elasticsearch", "opensearch", "s3", "redis", "escluster")
# What `up` starts when no service is named: everything the test suite uses. The two-node
# Elasticsearch cluster is for the load and fault benchmarks only.
DEFAULT_SERVICES = ("postgres", "elasticsearch", "opensearch", "s3", "redis")
HOST = "127.0.0.1"
HEAP = "-Xms512m -Xmx512m"
LOG_TAIL_LINES = 40

_apt_lock = threading.Lock()


class ServiceError(Exception):
    """A service could not be started; `log` names the file whose tail explains why."""

    def __init__(self, message: str, log: Path | None = None):
        super().__init__(message)
        self.log = log


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


def tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    """The last `lines` lines of a log file, or a note that it does not exist."""
    if path is None or not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


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
