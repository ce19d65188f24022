"""Real Elasticsearch and OpenSearch nodes for engine tests.

Each engine is used when its URL is in the environment (``ELASTICSEARCH_URL``,
``OPENSEARCH_URL``; ``scripts/services.py up`` writes both); otherwise its tests skip. Every
test module works under its own random index prefix and removes its indexes afterwards.
"""

import os
import secrets

import pytest

from search.client import connect

ENGINES = {"elasticsearch": "ELASTICSEARCH_URL", "opensearch": "OPENSEARCH_URL"}


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine_client(request):
    url = os.environ.get(ENGINES[request.param], "")
    if not url:
        pytest.skip(f"{ENGINES[request.param]} is not set")
    client = connect(url, timeout=10)
    assert client.capabilities.flavour == request.param, f"{url} is not {request.param}"
    yield client
    client.close()


@pytest.fixture
def prefix(engine_client):
    """A fresh index prefix; its indexes are deleted after the test."""
    value = f"test_{secrets.token_hex(4)}_"
    yield value
    for name in engine_client.list_indexes(f"{value}*"):
        engine_client.delete_index(name)
