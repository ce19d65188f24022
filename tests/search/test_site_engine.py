"""The indexing lifecycle against real Elasticsearch and OpenSearch nodes (skipped when
``ELASTICSEARCH_URL`` / ``OPENSEARCH_URL`` are unset): outbox replay after an outage,
unpublish, late stale writes, taxonomy renames, rebuilds, and no identifier in the index."""

import json
import os
import secrets

import pytest
from django.core.management import call_command

from search import indexer, services
from search.documents import case_document
from search.models import OutboxEntry
from search.queries import SearchRequest
from search.site import engine_client, get_search_backend
from tests.factories import CasePageFactory, ConditionFactory, make_clinician
from tests.search.site_fixtures import ENGINE_URLS, publish

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]

CLOSED_PORT_URL = "http://127.0.0.1:9"


@pytest.fixture(params=sorted(ENGINE_URLS))
def engine(request, settings):
    """Point the site at a real node under a fresh index prefix; yields (client, alias)."""
    url = os.environ.get(ENGINE_URLS[request.param], "")
    if not url:
        pytest.skip(f"{ENGINE_URLS[request.param]} is not set")
    prefix = f"test_site_{secrets.token_hex(4)}_"
    settings.ELASTICSEARCH_URL = url
    settings.CASEBOOK_SEARCH = {**settings.CASEBOOK_SEARCH, "INDEX_PREFIX": prefix}
    client = engine_client(url)
    yield client, indexer.alias_name(prefix)
    for name in client.list_indexes(f"{prefix}*"):
        client.delete_index(name)


def found(alias_client, q="", **filters):
    client, alias = alias_client
    client.refresh(alias)
    results = get_search_backend().search(SearchRequest.from_params({"q": q, **filters}))
    return {hit.id for hit in results.hits}


def test_change_made_while_the_engine_is_down_is_replayed(
    engine, settings, django_capture_on_commit_callbacks
):
    url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = CLOSED_PORT_URL
    case = CasePageFactory(live=False, title="Kawasaki disease with coronary aneurysms")
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    assert OutboxEntry.objects.get(page_id=case.pk).is_pending

    settings.ELASTICSEARCH_URL = url
    call_command("replay_search_outbox", "--all")
    assert not OutboxEntry.objects.get(page_id=case.pk).is_pending
    assert found(engine, "kawasaki") == {case.pk}


def test_unpublish_removes_the_case_from_results(engine, django_capture_on_commit_callbacks):
    case = CasePageFactory(live=False, title="Whipple disease")
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    assert found(engine, "whipple") == {case.pk}
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    assert found(engine, "whipple") == set()
    assert OutboxEntry.objects.get(page_id=case.pk).version == 2


def test_a_late_older_write_never_overwrites_a_newer_change(
    engine, django_capture_on_commit_callbacks
):
    case = CasePageFactory(live=False, title="Fabry disease")
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    stale_doc = case_document(case, OutboxEntry.objects.get(page_id=case.pk).version)
    with django_capture_on_commit_callbacks(execute=True):
        case.unpublish()
    get_search_backend().index([stale_doc])  # a slow worker's write of version 1 arrives now
    assert found(engine, "fabry") == set()

    with django_capture_on_commit_callbacks(execute=True):
        case.title = "Fabry disease with cornea verticillata"
        publish(case)
    get_search_backend().index([{**stale_doc, "title": "Stale title"}])
    assert found(engine, "verticillata") == {case.pk}
    assert found(engine, "stale") == set()


def test_condition_rename_updates_every_affected_case(engine, django_capture_on_commit_callbacks):
    condition = ConditionFactory(name="Wegener granulomatosis")
    cases = [CasePageFactory(live=False, diagnosis=condition) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for case in cases:
            publish(case)
    with django_capture_on_commit_callbacks(execute=True):
        condition.name = "Granulomatosis with polyangiitis"
        condition.save()
    ids = {case.pk for case in cases}
    assert found(engine, "", condition="Granulomatosis with polyangiitis") == ids
    assert found(engine, "", condition="Wegener granulomatosis") == set()


def test_no_author_identifier_reaches_the_engine(engine, django_capture_on_commit_callbacks):
    author = make_clinician(
        registration_number="GMC-4471902", workplace="Quarrendon Hospital", full_name="Ida Vexley"
    )
    case = CasePageFactory(live=False, owner=author, title="Churg-Strauss with asthma")
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    client, alias = engine
    stored = json.dumps(client.get(alias, case.pk))
    assert "Churg-Strauss" in stored
    for secret in ("4471902", "Quarrendon", "Vexley", author.username, author.email):
        assert secret not in stored


def test_rebuild_swaps_in_a_new_index_with_every_live_case(engine, capsys):
    cases = [publish(CasePageFactory(live=False)) for _ in range(3)]
    CasePageFactory(live=False)
    client, alias = engine
    call_command("rebuild_search_index")
    assert "with 3 cases" in capsys.readouterr().out
    first = client.alias_targets(alias)
    services.rebuild_index()
    second = client.alias_targets(alias)
    assert len(first) == len(second) == 1 and first != second
    assert found(engine) == {case.pk for case in cases}


def test_the_search_page_works_the_same_on_the_engine(
    engine, client, django_capture_on_commit_callbacks
):
    case = CasePageFactory(live=False, title="Anterior STEMI")
    with django_capture_on_commit_callbacks(execute=True):
        publish(case)
    engine[0].refresh(engine[1])
    client.force_login(make_clinician())
    response = client.get("/search/", {"q": "STEMI", "sort": "newest"})
    assert response.status_code == 200
    assert b"Anterior STEMI" in response.content or b"<mark>STEMI</mark>" in response.content
    body = client.get("/api/v1/search/", {"q": "stemi"}).json()
    assert [r["id"] for r in body["results"]] == [case.pk]
