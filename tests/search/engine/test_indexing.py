"""Writes on a real node: external versions, deletes, and rebuilds behind the alias."""

import threading

import pytest

from search import indexer
from search.backends.engine import EngineBackend
from search.client import SearchError
from search.queries import SearchRequest

from .corpus import CASES, case

pytestmark = pytest.mark.elasticsearch


def stored(client, prefix, doc_id):
    return client.get(indexer.alias_name(prefix), doc_id)


def test_ensure_index_creates_one_index_behind_the_alias_once(engine_client, prefix):
    first = indexer.ensure_index(engine_client, prefix)
    second = indexer.ensure_index(engine_client, prefix)
    assert first == second
    assert engine_client.alias_targets(indexer.alias_name(prefix)) == [first]


def test_an_older_version_never_overwrites_a_newer_one(engine_client, prefix):
    indexer.ensure_index(engine_client, prefix)
    newer = case(1, "Pneumonia", title="newer", version=5)
    older = case(1, "Pneumonia", title="older", version=3)
    assert indexer.index_documents(engine_client, [newer], prefix=prefix).succeeded == 1
    result = indexer.index_documents(engine_client, [older], prefix=prefix)
    assert (result.succeeded, result.stale) == (0, 1)
    assert stored(engine_client, prefix, 1)["title"] == "newer"
    result = indexer.index_documents(
        engine_client, [case(1, "Pneumonia", title="newest", version=6)], prefix=prefix
    )
    assert result.succeeded == 1
    assert stored(engine_client, prefix, 1)["title"] == "newest"


def test_delete_respects_versions_and_blocks_late_older_writes(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    backend.index([case(1, "Pneumonia", version=4), case(2, "Pneumonia", version=1)])
    engine_client.refresh(indexer.alias_name(prefix))
    assert backend.search(SearchRequest(q="pneumonia")).total == 2

    result = indexer.delete_documents(engine_client, [(1, 2)], prefix=prefix)
    assert result.stale == 1
    assert indexer.delete_documents(engine_client, [(1, 5)], prefix=prefix).succeeded == 1
    late = indexer.index_documents(engine_client, [case(1, "Pneumonia", version=4)], prefix=prefix)
    assert late.stale == 1
    engine_client.refresh(indexer.alias_name(prefix))
    assert [hit.id for hit in backend.search(SearchRequest(q="pneumonia")).hits] == [2]
    assert backend.autocomplete("pneu") == ["Pneumonia"]
    assert backend.search(SearchRequest()).total == 1
    assert stored(engine_client, prefix, 1)["deleted"] is True


def test_delete_never_creates_indexes(engine_client, prefix):
    indexer.ensure_index(engine_client, prefix)
    before = engine_client.list_indexes(f"{prefix}*")
    indexer.delete_documents(engine_client, [(77, 1)], prefix=prefix)
    assert engine_client.list_indexes(f"{prefix}*") == before


def test_strict_mapping_rejects_unknown_fields(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    with pytest.raises(SearchError) as caught:
        backend.index([{**case(1, "Pneumonia"), "patient_name": "Jane Doe"}])
    assert caught.value.error_type == "strict_dynamic_mapping_exception"
    assert "Jane" not in str(caught.value)


def test_rebuild_swaps_the_alias_and_drops_old_indexes(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    first = indexer.rebuild(engine_client, CASES[:3], prefix=prefix)
    second = indexer.rebuild(engine_client, CASES, prefix=prefix)
    assert first != second
    assert engine_client.alias_targets(indexer.alias_name(prefix)) == [second]
    assert engine_client.list_indexes(f"{prefix}*") == [second]
    assert engine_client.alias_targets(indexer.building_alias_name(prefix)) == []
    assert backend.search(SearchRequest()).total == len(CASES)
    assert engine_client.count(indexer.alias_name(prefix)) == len(CASES)


def test_searches_keep_answering_during_rebuilds(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    backend.rebuild(CASES)
    stop = threading.Event()
    totals: list[int] = []
    errors: list[BaseException] = []

    def search_until_stopped():
        while not stop.is_set():
            try:
                totals.append(backend.search(SearchRequest(q="chest pain")).total)
                totals.append(backend.search(SearchRequest()).total)
            except BaseException as error:  # the test reports any failure
                errors.append(error)

    expected_chest_pain = backend.search(SearchRequest(q="chest pain")).total
    thread = threading.Thread(target=search_until_stopped)
    thread.start()
    try:
        for _ in range(4):
            backend.rebuild(CASES)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(totals) > 10
    assert set(totals) == {expected_chest_pain, len(CASES)}


def test_changes_made_during_a_rebuild_reach_the_new_index(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    backend.rebuild(CASES[:2])

    def documents():
        # the rebuild reads its source while the site keeps publishing
        yield {**CASES[0], "version": 1}
        backend.index([{**CASES[0], "title": "edited during rebuild", "version": 2}])
        backend.index([case(99, "Gout", published_at="2026-02-01T00:00:00Z")])
        yield {**CASES[0], "version": 1}  # a stale read of the edited case
        yield CASES[1]

    backend.rebuild(documents())
    alias = indexer.alias_name(prefix)
    assert engine_client.get(alias, 99) is not None
    assert engine_client.get(alias, CASES[0]["id"])["title"] == "edited during rebuild"
    assert backend.search(SearchRequest()).total == 3


def test_a_failed_rebuild_leaves_the_live_index_alone(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    live = indexer.rebuild(engine_client, CASES[:2], prefix=prefix)
    with pytest.raises(SearchError):
        backend.rebuild([CASES[0], {**CASES[1], "unmapped": "x"}])
    assert engine_client.list_indexes(f"{prefix}*") == [live]
    assert backend.search(SearchRequest()).total == 2


def test_search_before_anything_is_indexed_is_empty(engine_client, prefix):
    backend = EngineBackend(engine_client, prefix=prefix)
    assert backend.search(SearchRequest(q="x")).total == 0
    assert backend.autocomplete("pn") == []
    assert backend.related(1) == []
