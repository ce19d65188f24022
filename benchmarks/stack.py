"""The whole production stack on this machine, for benchmarks/load.py and benchmarks/faults.py.

PostgreSQL, a two-node Elasticsearch cluster, s3proxy and Redis from ``scripts/services.py``
(all on loopback), then gunicorn (4 gthread workers, production settings), RQ workers and the
periodic scheduler as child processes. ``Stack`` seeds the published cases and the verified
clinicians the load generator signs in as, and checks after a run that no write was lost:
every accepted upload settled, every stored object referenced and every referenced object
stored, and the search index in line with the published cases.

The services stay up between runs (``scripts/services.py down`` stops them); the seeded
database is reused when it already holds the cases.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SERVICES = ["postgres", "s3", "redis", "escluster"]
WORK = ROOT / ".services" / "load"
WORKER_NICENESS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def services_env() -> dict[str, str]:
    subprocess.run([PY, "scripts/services.py", "up", *SERVICES], cwd=ROOT, check=True)
    env = json.loads((ROOT / ".services" / "env.json").read_text())
    env["ELASTICSEARCH_URL"] = env.pop("ELASTICSEARCH_CLUSTER_URL")
    return env


class Stack:
    def __init__(self, web_workers: int = 4):
        WORK.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **services_env(),
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "load-benchmark-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no TLS proxy in front of this benchmark.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "CASEBOOK_MEDIA_ROOT": str(WORK / "media"),
            "CASEBOOK_STATIC_ROOT": str(WORK / "static"),
            "CASEBOOK_SEARCH_INDEX_PREFIX": "load_",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(web_workers),
            "CASEBOOK_LOG_FORMAT": "json",
        }
        self.env.pop("CASEBOOK_REQUIRE_SERVICES", None)
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.scheduler: subprocess.Popen | None = None

    # -- set-up -------------------------------------------------------------------------------

    def manage(self, *args: str) -> None:
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def prepare(self, cases: int, users: int) -> dict:
        """Migrate, seed (once), index, collect static files. Returns the seed summary."""
        self.manage("migrate", "--noinput", "-v", "0")
        from benchmarks.seeding import seed

        summary = seed(cases, users, WORK / "users.json")
        from search import services

        indexed = services.rebuild_index()
        summary["indexed"] = indexed
        self.manage("collectstatic", "--noinput", "-v", "0")
        return summary

    # -- processes ----------------------------------------------------------------------------

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = (WORK / log).open("ab")
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True
        )

    def start_web(self) -> None:
        self.web = self._spawn([str(Path(PY).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
                               "gunicorn.log")  # fmt: skip
        self.wait_http("/healthz", 180)

    def wait_http(self, path: str, seconds: float) -> None:
        import urllib.request

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + path, timeout=2):  # noqa: S310 - loopback
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{path} did not answer within {seconds} s; see {WORK}/gunicorn.log")

    def start_workers(self, count: int) -> None:
        for _ in range(count):
            self.workers.append(
                self._spawn(
                    [
                        # Below the web tier, as docs/deployment.md advises when both share
                        # cores: a burst of uploads must not queue page requests.
                        "nice",
                        "-n",
                        str(WORKER_NICENESS),
                        PY,
                        "manage.py",
                        "rqworker",
                        "--job-class",
                        "django_tasks_rq.Job",
                        "--with-scheduler",
                        "default",
                    ],
                    "rqworker.log",
                )  # fmt: skip
            )
        time.sleep(3)  # Django start-up; a worker that failed has exited by now
        for worker in self.workers:
            if worker.poll() is not None:
                raise RuntimeError(f"an RQ worker exited; see {WORK}/rqworker.log")

    def stop_workers(self) -> None:
        workers, self.workers = self.workers, []
        _stop(workers)

    def start_scheduler(self) -> None:
        self.scheduler = self._spawn([PY, "manage.py", "run_periodic_jobs"], "scheduler.log")

    def stop(self) -> None:
        workers, self.workers = self.workers, []
        _stop([p for p in (self.web, self.scheduler) if p is not None] + workers)
        self.web = self.scheduler = None

    # -- services -----------------------------------------------------------------------------

    def service(self, *args: str) -> None:
        subprocess.run([PY, "scripts/services.py", *args], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def stop_service(self, name: str) -> dict:
        """SIGSTOP-free stop of a whole service process (Redis, s3proxy): SIGTERM its group."""
        state = json.loads((ROOT / ".services" / f"{name}.json").read_text())
        os.killpg(state["pid"], signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(state["pid"], 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        return state

    def restart_service(self, name: str) -> None:
        """Start a stopped service again on the same port and data."""
        self.service("up", name)

    # -- checks -------------------------------------------------------------------------------

    def settle_uploads(self, seconds: float) -> float:
        """Wait until no uploaded file is processing; returns the seconds it took."""
        from django.db import connections

        from media_pipeline.models import UploadedFile, UploadStatus

        connections.close_all()  # ours may have died with a PostgreSQL restart
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if not UploadedFile.objects.filter(status=UploadStatus.PROCESSING).exists():
                return time.monotonic() - started
            time.sleep(1)
        return float("nan")

    def lost_writes(self, receipts: list[dict]) -> dict[str, int]:
        """Accepted uploads that are missing or never settled, and storage that disagrees
        with the rows (objects without a row, rows without their object)."""
        from media_pipeline.models import MediaInstance, UploadedFile, UploadStatus
        from media_pipeline.storage import clinical_storage

        comments = self._lost_comments([r for r in receipts if "comment" in r])
        expected = {r["upload"]: r["files"] for r in receipts if "upload" in r}
        rows = UploadedFile.objects.filter(upload_id__in=expected)
        found = dict(rows.values_list("pk", "status"))
        per_upload: dict[int, int] = {}
        for upload_id in rows.values_list("upload_id", flat=True):
            per_upload[upload_id] = per_upload.get(upload_id, 0) + 1
        missing = sum(n - per_upload.get(upload, 0) for upload, n in expected.items())
        stuck = sum(1 for status in found.values() if status == UploadStatus.PROCESSING)
        accepted = sum(expected.values())
        keys = set()
        for instance in MediaInstance.objects.all().iterator():
            keys.update([instance.source_key, instance.preview_key, instance.thumbnail_key])
            keys.update(instance.frame_keys)
        keys.discard("")
        storage = clinical_storage()
        stored = {obj.key for obj in storage.bucket.objects.filter(Prefix="cases/")}
        return {
            **comments,
            "accepted_files": accepted,
            "missing": missing,
            "stuck_processing": stuck,
            "failed": sum(1 for status in found.values() if status == UploadStatus.FAILED),
            "orphan_objects": len(stored - keys),
            "missing_objects": len(keys - stored),
        }

    def _lost_comments(self, receipts: list[dict]) -> dict[str, int]:
        """Comments the site accepted (302) that are not in the database."""
        if not receipts:
            return {}
        from discussion.models import Comment

        lost = 0
        for tag in {r["tag"] for r in receipts}:
            posted = sum(1 for r in receipts if r["tag"] == tag)
            stored = Comment.objects.filter(body__contains=f"({tag})").count()
            lost += max(posted - stored, 0)
        return {"accepted_comments": len(receipts), "lost_comments": lost}

    def index_in_line(self) -> dict[str, int]:
        """Pending outbox changes, and published cases the index lacks or has stale."""
        from search import services
        from search.documents import indexable_cases
        from search.site import get_search_backend

        backend = get_search_backend()
        backend.client.refresh(backend.alias)
        live_documents = {"bool": {"must_not": {"term": {"deleted": True}}}}
        return {
            "pending": services.pending_count(),
            "published": indexable_cases().count(),
            "indexed": backend.client.count(backend.alias, live_documents),
        }


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
