"""The Redis task queue for real: two RQ worker processes (``manage.py rqworker``) on the
redis-server that ``scripts/services.py up redis`` starts, sharing the PostgreSQL test
database with this process.

Needs TASKS_REDIS_URL and PostgreSQL (the workers must see this process's rows); each skips
otherwise, and CASEBOOK_REQUIRE_SERVICES=1 (CI) turns the skip into a failure. Uses Redis
database 15, flushed first, so it never touches another run's queue.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.test import override_settings
from pydicom.uid import generate_uid

from media_pipeline import services
from media_pipeline.models import MediaInstance, UploadedFile, UploadStatus
from tests.media_pipeline.media_files import dicom_bytes, photo_with_gps, zip_of

# Committed rows, so that the workers see them; serialized_rollback brings back the roles that
# a data migration created, which the flush after each test removes.
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
REDIS_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def _redis_url() -> str:
    url = os.environ.get("TASKS_REDIS_URL", "")
    if not url:
        pytest.skip("TASKS_REDIS_URL is not set (scripts/services.py up redis)")
    return urlunsplit(urlsplit(url)._replace(path="/15"))


def _database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the RQ workers need a shared PostgreSQL test database")
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


class Workers:
    def __init__(self, redis_url: str, database_url: str, root: Path):
        self.redis_url = redis_url
        self.clinical_root = root / "clinical"
        self.spool_dir = root / "spool"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.ops.rq_worker_settings",
            "DATABASE_URL": database_url,
            "CASEBOOK_TEST_REDIS_URL": redis_url,
            "CASEBOOK_TEST_CLINICAL_ROOT": str(self.clinical_root),
            "CASEBOOK_TEST_SPOOL_DIR": str(self.spool_dir),
        }
        self.processes: list[subprocess.Popen] = []
        self.log = root / "workers.log"

    def start(self, count: int) -> None:
        with self.log.open("ab") as log:
            for _ in range(count):
                self.processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "manage.py",
                            "rqworker",
                            "--job-class",
                            "django_tasks_rq.Job",
                            "--with-scheduler",
                            "default",
                        ],
                        cwd=ROOT,
                        env=self.env,
                        stdout=log,
                        stderr=log,
                        start_new_session=True,
                    )  # fmt: skip
                )

    def live(self) -> list[subprocess.Popen]:
        return [p for p in self.processes if p.poll() is None]

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL a worker and the work horse it forked, as a machine or container dying
        would: RQ runs each job in a child in a process group of its own, which a signal to
        the worker's group does not reach."""
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        os.killpg(process.pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(child), signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.live():
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def workers(settings, tmp_path):
    with _workers(settings, tmp_path, _redis_url()) as pool:
        yield pool


@contextlib.contextmanager
def _workers(settings, tmp_path, redis_url: str):
    import django_rq

    database_url = _database_url()
    pool = Workers(redis_url, database_url, tmp_path)
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    if "django_rq" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    settings.STORAGES = {
        **settings.STORAGES,
        "clinical": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(pool.clinical_root), "base_url": None},
        },
    }
    settings.CASEBOOK_MEDIA = {**settings.CASEBOOK_MEDIA, "SPOOL_DIR": str(pool.spool_dir)}
    django_rq.get_connection("default").flushdb()
    pool.start(2)
    try:
        # A worker still starting when a test stops Redis exits (its supervisor restarts it
        # in production), so tests begin with both listening.
        _wait_for(lambda: pool.log.read_text().count("*** Listening on") == 2, 60, "ready", pool)
        with override_settings(TASKS=REDIS_QUEUE):
            yield pool
    finally:
        pool.stop()


def _wait_for(condition, seconds: float, what: str, workers: Workers):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds:.0f} s; worker log:\n{workers.log.read_text()}")


def _series(slices: int, size: int = 32) -> bytes:
    study, series = generate_uid(), generate_uid()
    return zip_of(
        {
            f"{n}.dcm": dicom_bytes(
                study_uid=study, series_uid=series, instance_number=n, size=size
            )
            for n in range(1, slices + 1)
        }
    )


def _settled() -> bool:
    return not UploadedFile.objects.filter(status=UploadStatus.PROCESSING).exists()


def test_uploads_are_processed_end_to_end_by_two_workers(workers, author, case, upload):
    import django_rq
    from rq import Worker

    response = upload(case, {"series.zip": _series(20), "photo.jpg": photo_with_gps()}, user=author)
    assert response.status_code == 202
    _wait_for(_settled, 60, "uploads processed", workers)
    assert set(UploadedFile.objects.values_list("status", flat=True)) == {UploadStatus.READY}
    assert MediaInstance.objects.count() == 21
    assert not any(workers.spool_dir.iterdir())
    assert len(Worker.all(connection=django_rq.get_connection("default"))) == 2


def test_a_worker_killed_mid_task_leaves_nothing_stuck_or_duplicated(workers, author, case, upload):
    import django_rq
    from rq.registry import StartedJobRegistry

    queue = django_rq.get_queue("default")
    started = StartedJobRegistry(queue=queue)
    upload(case, {"series.zip": _series(120, size=256)}, user=author)
    _wait_for(lambda: started.get_job_ids(), 30, "the job started", workers)
    # Which worker holds it is not known from here: kill both, then start a fresh one, as an
    # operator's supervisor would.
    for process in workers.live():
        workers.kill(process)
    record = UploadedFile.objects.get()
    assert record.status == UploadStatus.PROCESSING  # killed before it could finish

    workers.start(1)
    assert services.resume_stalled_uploads(timedelta(0)) == (1, 0)
    _wait_for(_settled, 90, "the resumed upload processed", workers)
    record.refresh_from_db()
    assert record.status == UploadStatus.READY
    assert MediaInstance.objects.count() == 120
    stored = [p for p in workers.clinical_root.rglob("*") if p.is_file()]
    assert len(stored) == 3 * 120  # source, preview and thumbnail: no orphan of the killed run
    assert not any(workers.spool_dir.iterdir())


def test_a_retry_waits_for_its_backoff_on_the_rq_scheduler(workers, tmp_path):
    from tests.ops.flaky_tasks import flaky_task

    marker = tmp_path / "flaky"
    flaky_task.enqueue(str(marker))
    _wait_for(lambda: marker.exists() and marker.read_text() == "done", 30, "retried", workers)


def test_periodic_jobs_are_enqueued_on_redis_and_run_by_the_workers(workers):
    import django_rq
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    from ops import periodic

    names = periodic.run_due()
    assert sorted(names) == sorted(job.name for job in periodic.jobs())
    finished = FinishedJobRegistry(queue=django_rq.get_queue("default"))
    _wait_for(lambda: len(finished.get_job_ids()) == len(names), 30, "jobs finished", workers)
    connection = django_rq.get_connection("default")
    done = {Job.fetch(i, connection=connection).func_name for i in finished.get_job_ids()}
    assert done == {f"{job.task.module_path}" for job in periodic.jobs()}


class RedisServer:
    """A redis-server of this test's own, configured as production's (append-only file), that
    the test can stop and start again on the same port and data."""

    def __init__(self, home: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (scripts/services.py up redis)")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.command = [
            binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(home),
            "--appendonly", "yes", "--save", "", "--logfile", str(home / "redis.log"),
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(self.command, start_new_session=True)  # noqa: S603
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.exceptions.RedisError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_workers_ride_out_a_redis_restart_mid_job(own_redis, settings, tmp_path):
    """Redis away for 15 s while a job runs: the job finishes and enqueues its follow-up
    during the outage, no worker exits, and the follow-up's retry still runs after its
    backoff once Redis is back (the scheduler lived)."""
    from tests.ops.flaky_tasks import sleepy_task

    pool_dir = tmp_path / "pool"
    pool_dir.mkdir()
    slept, retried = tmp_path / "slept", tmp_path / "retried"
    with _workers(settings, pool_dir, own_redis.url) as pool:
        sleepy_task.enqueue(6, str(slept), str(retried))
        _wait_for(lambda: "sleepy_task" in pool.log.read_text(), 30, "the job started", pool)
        own_redis.stop()
        time.sleep(15)
        assert slept.exists()  # it ran on, and enqueued its follow-up, while Redis was away
        own_redis.start()

        _wait_for(lambda: retried.exists() and retried.read_text() == "done", 45, "retried", pool)
        assert len(pool.live()) == 2, pool.log.read_text()
        assert "quitting" not in pool.log.read_text()
