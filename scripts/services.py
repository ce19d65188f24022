#!/usr/bin/env python3
"""Start and stop real PostgreSQL, Elasticsearch, OpenSearch, S3 and Redis servers without Docker.

    python3 scripts/services.py up [postgres] [elasticsearch] [opensearch] [s3] [redis]
                                   [escluster] [--optional]
    python3 scripts/services.py node escluster 2 stop|start
    python3 scripts/services.py down
    python3 scripts/services.py env

`up` starts the named services (default: all but `escluster`, the two-node Elasticsearch
cluster of the load benchmark) in parallel on free loopback ports, waits until
each is healthy and writes `.services/env` (shell exports) and `.services/env.json`. A service
whose pid file points at a live process is reused. `down` stops them and deletes `.services/`.
Downloads are cached in ${CASEBOOK_CACHE:-~/.cache/casebook}. Standard library only; the search
engines and PostgreSQL refuse to run as root, so when run as root they run as system users.
See docs/services.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import threading
import time
from pathlib import Path

from casebook_services.common import (
    DEFAULT_SERVICES,
    SERVICES,
    STATE,
    ServiceError,
    alive,
    remove_home,
    run,
    spawn,
    start_ticks,
    stop_group,
    tail,
)
from casebook_services.search import cluster_nodes, start_cluster_node
from casebook_services.state import bring_up, load_state, state_lock, stop, write_env_files


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


def node(name: str, number: int, action: str) -> int:
    """Stop or start one node of a running cluster (the fault benchmark's switch)."""
    state = load_state(name)
    nodes = (state or {}).get("nodes", [])
    if not 1 <= number <= len(nodes):
        sys.stderr.write(f"{name} is not up, or has no node {number}\n")
        return 1
    entry = nodes[number - 1]
    if action == "stop":
        if alive(entry["pid"]):
            stop_group(entry["pid"])
    elif not alive(entry["pid"]):
        entry["pid"] = start_cluster_node(entry)
        entry["started"] = start_ticks(entry["pid"])
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if cluster_nodes(state["health"]) == len(nodes):
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            sys.stderr.write(f"{name} node {number} did not rejoin within 180 s\n")
            return 1
    (STATE / f"{name}.json").write_text(json.dumps(state, indent=2) + "\n")
    sys.stdout.write(f"{name} node {number}: {action}\n")
    return 0


def pause(name: str, action: str) -> int:
    """Stop a running service keeping its port and data, or start it again (fault drills).
    PostgreSQL goes through pg_ctl; Redis and S3 re-run their recorded command."""
    state = load_state(name)
    if state is None or not ("pg_ctl" in state or "cmd" in state):
        sys.stderr.write(f"{name} is not up, or cannot be stopped and started in place\n")
        return 1
    if "pg_ctl" in state:
        pg_ctl = [state["pg_ctl"], "-D", state["data"], "-m", "fast", "-w"]
        if action == "restart":
            run([*pg_ctl, "restart", "-l", state["log"]], user=state["user"])
        else:
            run([*pg_ctl, action, *(["-l", state["log"]] if action == "start" else [])],
                user=state["user"])  # fmt: skip
        if action != "stop":
            data = Path(state["data"])
            state["pid"] = int((data / "postmaster.pid").read_text().split()[0])
    elif action == "stop":
        if alive(state["pid"]):
            stop_group(state["pid"])
    elif not alive(state["pid"]):
        state["pid"] = spawn(state["cmd"], Path(state["log"]).with_name("console.log"))
    state["started"] = start_ticks(state["pid"])
    (STATE / f"{name}.json").write_text(json.dumps(state, indent=2) + "\n")
    sys.stdout.write(f"{name}: {action}\n")
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
    for action in ("stop", "start", "restart"):
        one = commands.add_parser(action, help=f"{action} one service in place (keeps its data)")
        one.add_argument("name", choices=["postgres", "redis", "s3"])
    node_parser = commands.add_parser("node", help="stop or start one node of a cluster")
    node_parser.add_argument("name", choices=["escluster"])
    node_parser.add_argument("number", type=int)
    node_parser.add_argument("action", choices=["stop", "start"])
    args = parser.parse_args(argv)
    if args.command == "env":
        return show_env()
    if args.command == "up" and set(args.names) - set(SERVICES):
        parser.error(f"unknown service(s) in {args.names}; choose from {SERVICES}")
    if args.command in ("stop", "start", "restart"):
        with state_lock():
            return pause(args.name, args.command)
    if args.command == "node":
        with state_lock():
            return node(args.name, args.number, args.action)
    with state_lock():
        if args.command == "down":
            return down()
        return up(list(dict.fromkeys(args.names or DEFAULT_SERVICES)), args.optional)


if __name__ == "__main__":
    sys.exit(main())
