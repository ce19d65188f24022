"""PostgreSQL: a throwaway cluster from Debian's server binaries."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .common import HOST, apt_install, chown_tree, free_port, run, service_home, service_user

DB_NAME = DB_USER = "casebook"
DB_PASSWORD = "casebook"  # noqa: S105 - throwaway cluster on loopback


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
