"""Editors see tasks that gave up, and retry or dismiss them."""

import pytest

from ops.models import DeadLetter
from tests.factories import make_clinician, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter():
    return DeadLetter.objects.create(
        task_path="search.tasks.index_case_task", args=[7], attempts=1, error="KeyError",
        request_id="req-1234567890",
    )  # fmt: skip


def test_an_editor_sees_open_dead_letters(client, letter):
    client.force_login(make_editor())
    response = client.get("/admin/dead-letters/")
    assert response.status_code == 200
    assert b"index_case_task" in response.content
    assert b"KeyError" in response.content
    assert b"req-1234567890" in response.content


class FakeTask:
    def __init__(self, fail=False):
        self.enqueued = []
        self.fail = fail

    def enqueue(self, *args, **kwargs):
        if self.fail:
            raise ConnectionError("redis away")
        self.enqueued.append((args, kwargs))


def test_retry_enqueues_the_task_again_and_resolves_the_letter(client, letter, monkeypatch):
    from ops import retries

    task = FakeTask()
    monkeypatch.setattr(retries, "import_string", {letter.task_path: task}.__getitem__)
    editor = make_editor()
    client.force_login(editor)
    response = client.post(f"/admin/dead-letters/{letter.pk}/", {"action": "retry"})
    assert response.status_code == 302
    assert task.enqueued == [((7,), {"request_id": "req-1234567890"})]
    letter.refresh_from_db()
    assert (letter.resolution, letter.resolved_by) == ("retried", editor)


def test_dismiss_resolves_without_running_anything(client, letter):
    client.force_login(make_editor())
    client.post(f"/admin/dead-letters/{letter.pk}/", {"action": "dismiss"})
    letter.refresh_from_db()
    assert letter.resolution == "dismissed"
    assert letter.resolved_at is not None


def test_a_retry_that_cannot_be_enqueued_keeps_the_letter_open(client, letter, monkeypatch):
    from ops import retries

    monkeypatch.setattr(retries, "import_string", lambda path: FakeTask(fail=True))
    client.force_login(make_editor())
    response = client.post(f"/admin/dead-letters/{letter.pk}/", {"action": "retry"}, follow=True)
    assert b"Could not enqueue the task again (ConnectionError)" in response.content
    letter.refresh_from_db()
    assert letter.resolved_at is None


@pytest.mark.parametrize("action", ["", "delete", "retry!"])
def test_an_unknown_action_changes_nothing(client, letter, action):
    client.force_login(make_editor())
    response = client.post(f"/admin/dead-letters/{letter.pk}/", {"action": action}, follow=True)
    assert b"Choose retry or dismiss." in response.content
    letter.refresh_from_db()
    assert letter.resolved_at is None


def test_a_resolved_letter_cannot_be_resolved_again(client, letter):
    client.force_login(make_editor())
    client.post(f"/admin/dead-letters/{letter.pk}/", {"action": "dismiss"})
    response = client.post(f"/admin/dead-letters/{letter.pk}/", {"action": "retry"})
    assert response.status_code == 404


def test_a_clinician_cannot_resolve(client, letter):
    client.force_login(make_clinician())
    response = client.post(f"/admin/dead-letters/{letter.pk}/", {"action": "dismiss"})
    assert response.status_code in (302, 403)
    letter.refresh_from_db()
    assert letter.resolved_at is None
