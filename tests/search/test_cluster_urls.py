"""ELASTICSEARCH_URL may list the nodes of a cluster: the first node that answers is probed."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from search.client import SearchUnavailable, _probe_any, node_urls


class _Node(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"nodes": {"n1": {"version": "9.1.0", "modules": []}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def live_node():
    server = HTTPServer(("127.0.0.1", 0), _Node)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _closed() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_node_urls_split_a_comma_separated_list():
    assert node_urls(" http://a:9200 ,http://b:9200,, ") == ["http://a:9200", "http://b:9200"]


def test_a_node_that_is_down_is_skipped(live_node):
    capabilities = _probe_any([_closed(), live_node], timeout=2)
    assert capabilities.flavour == "elasticsearch"
    assert capabilities.version == (9, 1, 0)


def test_every_node_down_is_unavailable():
    with pytest.raises(SearchUnavailable):
        _probe_any([_closed(), _closed()], timeout=2)
