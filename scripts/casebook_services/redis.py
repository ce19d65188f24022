"""Redis: Debian's redis-server on a free loopback port, for the RQ task queue.

Append-only persistence (fsync every second) in .services/redis, as in production: a Redis
restart keeps the queued jobs, which the fault benchmark relies on.
"""

from __future__ import annotations

import shutil
import socket
import subprocess

from .common import HOST, STATE, ServiceError, apt_install, free_port, spawn, wait_until


def redis_server() -> str:
    """The redis-server binary; Debian's package is installed when missing (as root)."""
    found = shutil.which("redis-server")
    if found:
        return found
    apt_install("redis-server")
    # The package may start its own server on 6379 where an init system runs: we only want
    # ours.
    subprocess.run(["service", "redis-server", "stop"], capture_output=True, check=False)  # noqa: S607
    found = shutil.which("redis-server")
    if not found:
        raise ServiceError("redis-server is not on PATH after installing it")
    return found


def ping(port: int) -> bool:
    with socket.create_connection((HOST, port), timeout=2) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def start_redis() -> dict:
    binary = redis_server()
    home = STATE / "redis"
    home.mkdir()
    port = free_port()
    (home / "redis.conf").write_text(
        f"bind {HOST}\n"
        f"port {port}\n"
        "protected-mode yes\n"
        f"dir {home}\n"
        "appendonly yes\n"
        "appendfsync everysec\n"
        'save ""\n'
        "daemonize no\n"
        f"logfile {home / 'redis.log'}\n"
    )
    log = home / "console.log"
    cmd = [binary, str(home / "redis.conf")]
    pid = spawn(cmd, log)
    wait_until(lambda: ping(port), pid, 30, "redis-server", home / "redis.log")
    url = f"redis://{HOST}:{port}/0"
    return {"pid": pid, "log": str(home / "redis.log"), "health": url, "port": port,
            "cmd": cmd, "env": {"TASKS_REDIS_URL": url}}  # fmt: skip
