"""Engine-level writes: bulk indexing, deletes, and rebuilds behind an alias.

Layout for a prefix ``p``: concrete indexes ``p cases_<UTC timestamp>``; searches read the alias
``p cases``; during a rebuild the alias ``p cases_building`` points at the index being filled.

Every write goes to both aliases in one bulk request (the building one is optional), so a
change made while a rebuild runs reaches the new index too. The bulk request resolves aliases
against one cluster state, so even a write that races the final alias swap lands in the new
index. Writes carry the document's ``version`` as an external version: whichever arrives
last, the engine keeps the newest version of each case, and the rebuild's bulk load never
overwrites a newer change made meanwhile. Removals are versioned tombstones for the same
reason (and because a bulk delete would auto-create a missing index).

One rebuild at a time per prefix (run it from one management command or task).
"""

import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from search import conf
from search.client import BulkItem, BulkResult, EngineClient, SearchError
from search.mapping import index_settings_and_mappings, to_index_source

CHUNK_SIZE = 500
#: Bulk requests in flight during a rebuild: enough to keep a small node's cores busy.
BULK_CONCURRENCY = 2


def alias_name(prefix: str) -> str:
    """The alias searches read from."""
    return f"{prefix}cases"


def building_alias_name(prefix: str) -> str:
    """The alias of the index a rebuild is filling; absent outside rebuilds."""
    return f"{prefix}cases_building"


def new_index_name(prefix: str) -> str:
    return f"{prefix}cases_{datetime.now(UTC):%Y%m%d%H%M%S%f}"


def ensure_index(client: EngineClient, prefix: str | None = None) -> str:
    """Create the first versioned index and its alias unless the alias exists; return the index.

    Safe to call repeatedly; meant for start-up or the first write, not for concurrent use.
    """
    prefix = conf.index_prefix() if prefix is None else prefix
    alias = alias_name(prefix)
    current = client.alias_targets(alias)
    if current:
        return current[-1]
    name = new_index_name(prefix)
    client.create_index(name, index_settings_and_mappings(client.capabilities))
    client.swap_alias(alias, name)
    return name


def index_documents(
    client: EngineClient, docs: Iterable[dict[str, Any]], *, prefix: str | None = None
) -> BulkResult:
    """Index case documents (each with ``id`` and ``version``) through the aliases.

    The alias must exist (``ensure_index``). Counts in the result are per written copy: during
    a rebuild each document is written twice.
    """
    prefix = conf.index_prefix() if prefix is None else prefix
    targets = (alias_name(prefix), building_alias_name(prefix))
    result = BulkResult()
    for chunk in _chunks(docs, CHUNK_SIZE):
        items = []
        for doc in chunk:
            source = to_index_source(doc)
            for target in targets:
                items.append(
                    BulkItem(
                        target,
                        doc["id"],
                        int(doc["version"]),
                        source,
                        require_alias=True,
                        optional=target != targets[0],
                    )
                )
        result.merge(client.bulk(items))
    return result


def delete_documents(
    client: EngineClient,
    ids_with_versions: Iterable[tuple[int, int]],
    *,
    prefix: str | None = None,
) -> BulkResult:
    """Remove cases given as (id, version); ``version`` must be newer than the indexed one.

    A removal is written as a tombstone document (``deleted: true``) with the version, which
    every query excludes. Unlike an engine delete, whose version the engine forgets after
    ``index.gc_deletes`` (60 s), a tombstone keeps rejecting older writes, so a late change can
    never bring a removed case back. Rebuilds load only live cases, which drops tombstones.
    """
    prefix = conf.index_prefix() if prefix is None else prefix
    targets = (alias_name(prefix), building_alias_name(prefix))
    result = BulkResult()
    for chunk in _chunks(ids_with_versions, CHUNK_SIZE):
        items = [
            BulkItem(
                target,
                doc_id,
                int(version),
                {"id": doc_id, "version": int(version), "deleted": True},
                require_alias=True,
                optional=target != targets[0],
            )
            for doc_id, version in chunk
            for target in targets
        ]
        result.merge(client.bulk(items))
    return result


def rebuild(
    client: EngineClient, docs: Iterable[dict[str, Any]], *, prefix: str | None = None
) -> str:
    """Load ``docs`` into a fresh index, swap the alias to it atomically, drop older indexes.

    Searches keep answering from the old index until the swap. ``docs`` should be read lazily
    (a generator over the database): reading starts after the building alias exists, so a
    change committed before it is read is in ``docs``, and any later change is written to the
    new index directly. Returns the new index name. Raises ``SearchError`` when documents
    fail to load; the old index then stays live and the new one is removed.
    """
    prefix = conf.index_prefix() if prefix is None else prefix
    alias, building = alias_name(prefix), building_alias_name(prefix)
    new_index = new_index_name(prefix)
    body = index_settings_and_mappings(client.capabilities)
    # Bulk-load settings: no refreshes, no fsync per request. A crash mid-load loses nothing
    # that matters: the half-built index is never made live.
    body["settings"]["index"].update({"refresh_interval": "-1", "translog.durability": "async"})
    client.create_index(new_index, body)
    try:
        client.swap_alias(building, new_index, client.alias_targets(building))
        result = _bulk_load(client, new_index, docs)
        if result.failed:
            raise SearchError(
                f"rebuild: {len(result.failed)} documents failed to index",
                error_type=result.failed[0][1],
            )
        client.put_settings(new_index, {"refresh_interval": None, "translog.durability": None})
        client.refresh(new_index)
    except BaseException:
        client.delete_index(new_index)
        raise
    old_indexes = client.alias_targets(alias)
    client.update_aliases(
        [
            *(("remove", alias, old) for old in old_indexes),
            ("add", alias, new_index),
            ("remove", building, new_index),
        ]
    )
    for name in _versioned_indexes(client, prefix):
        if name != new_index:
            client.delete_index(name)
    return new_index


def _bulk_load(client: EngineClient, index: str, docs: Iterable[dict[str, Any]]) -> BulkResult:
    """Send chunks of ``docs`` with ``BULK_CONCURRENCY`` requests in flight.

    Documents are read no faster than they are sent (lazy ``docs`` stay lazy).
    """
    result = BulkResult()
    in_flight: deque[Future[BulkResult]] = deque()
    with ThreadPoolExecutor(max_workers=BULK_CONCURRENCY) as pool:
        for chunk in _chunks(docs, CHUNK_SIZE):
            items = [
                BulkItem(index, doc["id"], int(doc["version"]), to_index_source(doc))
                for doc in chunk
            ]
            in_flight.append(pool.submit(client.bulk, items))
            if len(in_flight) >= BULK_CONCURRENCY:
                result.merge(in_flight.popleft().result())
        while in_flight:
            result.merge(in_flight.popleft().result())
    return result


def _versioned_indexes(client: EngineClient, prefix: str) -> list[str]:
    pattern = re.compile(re.escape(alias_name(prefix)) + r"_\d{20}")
    return [
        name for name in client.list_indexes(f"{alias_name(prefix)}_*") if pattern.fullmatch(name)
    ]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
