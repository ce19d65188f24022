"""The periodic-jobs registry, its scheduler, and the table in docs/operations.md."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from ops import periodic
from ops.models import PeriodicRun

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


class Recorder:
    def __init__(self, fail=False):
        self.calls = 0
        self.fail = fail

    def enqueue(self):
        if self.fail:
            raise ConnectionError("queue away")
        self.calls += 1


@pytest.fixture
def only_job(monkeypatch):
    """Replace the registry with one recorded job."""
    monkeypatch.setattr(periodic, "_jobs", {})
    recorder = Recorder()
    periodic.register("tick", recorder, every=timedelta(minutes=5), purpose="test")
    return recorder


def test_the_apps_register_their_jobs():
    names = {job.name for job in periodic.jobs()}
    assert {
        "replay-search-outbox",
        "clean-expired-uploads",
        "send-daily-digests",
        "send-outcome-reminders",
        "match-saved-searches",
    } <= names


def test_the_operations_doc_lists_every_job_with_its_interval():
    text = DOCS.read_text()
    section = text.split("## Periodic jobs", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+) \|", section, re.MULTILINE)
    assert {name for name, _ in rows} == {job.name for job in periodic.jobs()}
    for job in periodic.jobs():
        every = dict(rows)[job.name].strip()
        assert every == _human(job.every), job.name


def _human(every: timedelta) -> str:
    minutes = int(every.total_seconds() // 60)
    if minutes % 60 == 0 and minutes >= 60:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def test_a_due_job_is_enqueued_once_however_many_schedulers_run(only_job):
    now = timezone.now()
    assert periodic.run_due(now) == ["tick"]
    assert periodic.run_due(now) == []  # a second scheduler at the same moment
    assert periodic.run_due(now + timedelta(minutes=4)) == []
    assert periodic.run_due(now + timedelta(minutes=5)) == ["tick"]
    assert only_job.calls == 2


def test_a_job_the_queue_refuses_is_due_again_at_the_next_pass(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    refusing = Recorder(fail=True)
    periodic.register("tick", refusing, every=timedelta(minutes=5), purpose="test")
    now = timezone.now()
    assert periodic.run_due(now) == []
    assert PeriodicRun.objects.get(name="tick").next_run_at == now
    refusing.fail = False
    assert periodic.run_due(now + timedelta(seconds=15)) == ["tick"]


def test_a_job_may_not_run_more_often_than_every_ten_seconds():
    with pytest.raises(ValueError, match="at most every 10 seconds"):
        periodic.register("hot", Recorder(), every=timedelta(seconds=1), purpose="x")


def test_run_periodic_jobs_once_enqueues_the_real_jobs():
    out = io.StringIO()
    call_command("run_periodic_jobs", "--once", stdout=out)
    assert "clean-expired-uploads" in out.getvalue()
    assert "replay-search-outbox" in out.getvalue()
    assert PeriodicRun.objects.count() == len(periodic.jobs())


def test_run_periodic_jobs_refuses_a_bad_interval():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--interval must be positive"):
        call_command("run_periodic_jobs", "--interval", "0")
