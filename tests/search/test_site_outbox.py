"""Index changes through the outbox: signals enqueue on commit, a failing engine never fails
the change, replay applies what is pending with backoff, versions only go up."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import PageViewRestriction

from search import services
from search.models import OutboxEntry
from tests.factories import CasePageFactory, ConditionFactory
from tests.search.site_fixtures import publish

pytestmark = pytest.mark.django_db

CLOSED_PORT_URL = "http://127.0.0.1:9"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def entry(page):
    return OutboxEntry.objects.get(page_id=page.pk)


def test_publish_records_and_applies_the_change(django_capture_on_commit_callbacks):
    case = CasePageFactory(live=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    row = entry(case)
    assert (row.action, row.version, row.is_pending, row.attempts) == ("index", 1, False, 0)


def test_nothing_is_enqueued_before_commit(django_capture_on_commit_callbacks):
    case = CasePageFactory(live=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(case)
    assert not OutboxEntry.objects.exists()
    assert len(callbacks) == 3  # the reindex, saved-search matching, the purge of dropped media


def test_publish_succeeds_when_the_engine_is_down(settings, django_capture_on_commit_callbacks):
    settings.ELASTICSEARCH_URL = CLOSED_PORT_URL
    case = CasePageFactory(live=False)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    assert case.live
    row = entry(case)
    assert row.is_pending
    assert (row.attempts, row.last_error) == (1, "SearchUnavailable")
    assert row.next_attempt_at >= before + timedelta(seconds=services.BACKOFF_BASE_SECONDS)


def test_replay_backs_off_exponentially_and_keeps_the_change(settings):
    settings.ELASTICSEARCH_URL = CLOSED_PORT_URL
    settings.TASKS = DUMMY_TASKS
    case = CasePageFactory()
    services.enqueue_index(case.pk)
    delays = []
    for _ in range(3):
        started = timezone.now()
        assert services.replay_outbox() == (0, 1)
        delays.append((entry(case).next_attempt_at - started).total_seconds())
        assert services.replay_outbox() == (0, 0)  # not due yet
        services.make_all_due()
    base = services.BACKOFF_BASE_SECONDS
    assert [round(d) for d in delays] == [base, 2 * base, 4 * base]
    assert entry(case).attempts == 3
    with pytest.raises(CommandError, match="1 still pending"):
        call_command("replay_search_outbox", "--all")


def test_replay_command_applies_pending_changes_when_search_works(settings):
    settings.TASKS = DUMMY_TASKS
    cases = [CasePageFactory() for _ in range(3)]
    for case in cases:
        services.enqueue_index(case.pk)
    assert services.pending_count() == 3
    call_command("replay_search_outbox", "--limit", "2")
    assert services.pending_count() == 0


def test_every_change_gets_a_higher_version(settings):
    settings.TASKS = DUMMY_TASKS
    case = CasePageFactory()
    services.enqueue_index(case.pk)
    services.enqueue_delete(case.pk)
    services.enqueue_index(case.pk)
    assert (entry(case).version, entry(case).action) == (3, "index")


def test_a_change_recorded_while_applying_stays_pending(settings):
    settings.TASKS = DUMMY_TASKS
    case = CasePageFactory()
    services.enqueue_index(case.pk)
    in_flight = entry(case)  # a worker read version 1 ...
    services.enqueue_index(case.pk)  # ... and the case changed again meanwhile
    assert services._apply([in_flight]) == 0
    row = entry(case)
    assert row.is_pending
    assert row.version == 2


def test_unpublish_delete_and_restriction_enqueue_removal(django_capture_on_commit_callbacks):
    case = publish(CasePageFactory(live=False))
    other = publish(CasePageFactory(live=False))
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    assert entry(case).version == 1  # the publish above ran outside a commit hook
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=other, restriction_type="login")
    assert entry(other).action == "index"  # reconciled: not public any more, so removed
    case_id = case.pk
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    row = OutboxEntry.objects.get(page_id=case_id)
    assert (row.action, row.version, row.is_pending) == ("delete", 2, False)


def test_condition_rename_reindexes_every_affected_case(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    condition = ConditionFactory(name="Takotsubo")
    cases = [CasePageFactory(diagnosis=condition) for _ in range(3)]
    unrelated = CasePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        condition.name = "Takotsubo cardiomyopathy"
        condition.save()
    pending = set(
        OutboxEntry.objects.filter(next_attempt_at__isnull=False).values_list("page_id", flat=True)
    )
    assert pending == {case.pk for case in cases}
    assert unrelated.pk not in pending


def test_condition_synonyms_reach_the_search_at_once(client, django_capture_on_commit_callbacks):
    from search.queries import SearchRequest
    from search.site import get_search_backend, site_synonyms

    condition = ConditionFactory(name="Glomus tumour")
    case = CasePageFactory(diagnosis=condition, title="Pulsatile tinnitus")
    backend = get_search_backend()
    assert backend.search(SearchRequest(q="chemodectoma")).total == 0
    assert site_synonyms().expand("chemodectoma") == []
    with django_capture_on_commit_callbacks(execute=True):
        condition.synonyms = "Chemodectoma\nparaganglioma"
        condition.save()
    assert "glomus tumour" in site_synonyms().expand("chemodectoma")
    results = get_search_backend().search(SearchRequest(q="chemodectoma"))
    assert [hit.id for hit in results.hits] == [case.pk]


def test_rebuild_on_the_database_backend_loads_every_case(capsys):
    cases = [CasePageFactory(), CasePageFactory()]
    call_command("rebuild_search_index")
    assert "with 2 cases" in capsys.readouterr().out
    from search.models import IndexedCase

    assert set(IndexedCase.objects.values_list("page_id", flat=True)) == {c.pk for c in cases}


def test_media_changed_reindexes_the_case(settings, django_capture_on_commit_callbacks):
    from media_pipeline.models import MediaItem
    from media_pipeline.signals import media_changed

    settings.TASKS = DUMMY_TASKS
    case = CasePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        media_changed.send(sender=MediaItem, page_id=case.pk)
    assert entry(case).is_pending
    assert entry(case).action == "index"


def test_a_failed_change_schedules_a_replay_when_it_is_due(settings):
    from django_tasks import task_backends

    from search.tasks import index_case_task, replay_search_outbox_task

    settings.ELASTICSEARCH_URL = CLOSED_PORT_URL
    settings.TASKS = DUMMY_TASKS  # a backend that can defer, and runs nothing by itself
    case = CasePageFactory()
    services.enqueue_index(case.pk)
    assert index_case_task.call(case.pk) is False

    def replays():
        results = task_backends["default"].results
        return [r for r in results if r.task.name == "replay_search_outbox_task"]

    assert len(replays()) == 1
    assert replays()[0].task.run_after == entry(case).next_attempt_at
    assert replay_search_outbox_task.call() == 0  # not due yet: nothing applied ...
    assert len(replays()) == 1  # ... and no further replay scheduled


def test_a_moved_page_reconciles_its_cases(settings, django_capture_on_commit_callbacks):
    from wagtail.signals import post_page_move

    from cases.models import CaseIndexPage

    settings.TASKS = DUMMY_TASKS
    cases = [CasePageFactory(), CasePageFactory()]
    index = CaseIndexPage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        post_page_move.send(
            sender=CaseIndexPage,
            instance=index,
            parent_page_before=index.get_parent(),
            parent_page_after=index.get_parent(),
            url_path_before=index.url_path,
            url_path_after=index.url_path,
        )
    assert {e.page_id for e in OutboxEntry.objects.all() if e.is_pending} == {c.pk for c in cases}
