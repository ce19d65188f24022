"""Recorded services: .services/<name>.json, reuse of a live server, stopping, the env files
and the lock that serialises `up` and `down`."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
from collections.abc import Callable

from .common import (
    SCRIPTS,
    SERVICES,
    STATE,
    alive,
    remove_home,
    render_env,
    start_ticks,
    stop_group,
)
from .postgres import start_postgres
from .redis import start_redis
from .s3 import start_s3
from .search import start_elasticsearch, start_es_cluster, start_opensearch

# Each start_* returns the state saved in .services/<name>.json: the pid to stop, the
# environment variables it contributes and the log to show on failure.
STARTERS: dict[str, Callable[[], dict]] = {
    "postgres": start_postgres,
    "elasticsearch": start_elasticsearch,
    "opensearch": start_opensearch,
    "s3": start_s3,
    "redis": start_redis,
    "escluster": start_es_cluster,
}


@contextlib.contextmanager
def state_lock():
    """Serialise `up` and `down`: helpers and test sessions share one checkout's .services.
    The lock is on scripts/ itself, which `down` never deletes."""
    fd = os.open(SCRIPTS, os.O_RDONLY)
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
    for node in state.get("nodes", [])[1:]:  # the other nodes of a cluster
        if alive(node["pid"]) and start_ticks(node["pid"]) == node.get("started"):
            stop_group(node["pid"])
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
