"""Backups of the database and the clinical media, and the restore drill that proves them.

``backup(directory)``: ``pg_dump`` (custom format) of DATABASE_URL, a copy of every object of
the clinical storage, and ``manifest.json``: the SHA-256 and size of each object and the row
count of each Casebook table at the time of the dump.

``restore_drill(directory)``: restores the dump into a new scratch database and the objects
into a new scratch bucket (or directory, on local storage), then checks the row counts against
the manifest, every object's checksum, and that every object a media row names exists. The
scratch copies are dropped afterwards unless ``keep`` is set. Nothing touches the live
database or bucket except reading them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from media_pipeline.storage import clinical_storage

CASEBOOK_APPS = ("accounts", "cases", "media_pipeline", "search", "ops", "wagtailcore")
MEDIA_KEY_FIELDS = ("source_key", "preview_key", "thumbnail_key")


class BackupError(Exception):
    """A backup or drill step failed; the message says which and why (no data)."""


@dataclass
class DrillReport:
    database: str
    objects: int = 0
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    checksum_mismatches: list[str] = field(default_factory=list)
    missing_objects: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        counts_match = all(expected == got for expected, got in self.tables.values())
        return counts_match and not self.checksum_mismatches and not self.missing_objects


def _pg_binary(name: str) -> str:
    """The newest server's client binary (pg_dump must not be older than the server)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    if found:
        return str(found[-1])
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def _pg_env(db: dict) -> dict[str, str]:
    return {**os.environ, "PGPASSWORD": db.get("PASSWORD") or "", "PGHOST": db.get("HOST") or "",
            "PGPORT": str(db.get("PORT") or ""), "PGUSER": db.get("USER") or ""}  # fmt: skip


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{what} failed: {result.stderr.strip().splitlines()[-1:]}")


def _tables() -> list[tuple[str, str]]:
    """(label, table) of every model of the Casebook apps and Wagtail's pages."""
    out = []
    for config in apps.get_app_configs():
        if config.label not in CASEBOOK_APPS:
            continue
        for model in config.get_models():
            if not model._meta.proxy and model._meta.managed:
                out.append((model._meta.label, model._meta.db_table))
    return sorted(out)


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for label, table in _tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from models
        counts[label] = cursor.fetchone()[0]
    return counts


def _require_postgres() -> dict:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backups and the drill need PostgreSQL (DATABASE_URL)")
    return db


def _all_keys(prefix: str = "") -> list[str]:
    storage = clinical_storage()
    if hasattr(storage, "bucket"):
        # Keys relative to the storage's location, as the media rows name them.
        location = storage.location.strip("/")
        base = f"{location}/" if location else ""
        found = storage.bucket.objects.filter(Prefix=base + prefix)
        return sorted(obj.key[len(base) :] for obj in found)
    root = Path(storage.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _read(key: str) -> bytes:
    with clinical_storage().open(key, "rb") as handle:
        return handle.read()


def backup(directory: Path) -> dict:
    """Dump the database and copy the media into ``directory`` (created, must be empty)."""
    db = _require_postgres()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty")
    dump = directory / "database.dump"
    # The counts and the dump read one snapshot, so they agree while the site keeps writing.
    # Media is copied after it: every object a row of the snapshot names was stored before
    # that row committed, so it is there to copy.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor)
        _run([_pg_binary("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f",
              str(dump), db["NAME"]], _pg_env(db), "pg_dump")  # fmt: skip
    objects = {}
    media = directory / "media"
    for key in _all_keys():
        data = _read(key)
        target = media / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        objects[key] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    manifest = {"created": time.time(), "tables": counts, "objects": objects}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return {"tables": len(counts), "rows": sum(counts.values()), "objects": len(objects)}


def restore_drill(directory: Path, keep: bool = False) -> DrillReport:
    """Restore ``directory`` into a scratch database and bucket and check it (see module)."""
    db = _require_postgres()
    manifest = json.loads((directory / "manifest.json").read_text())
    started = time.monotonic()
    scratch = f"{db['NAME']}_drill_{int(time.time())}"
    report = DrillReport(database=scratch)
    env = _pg_env(db)
    _run([_pg_binary("createdb"), scratch], env, "createdb")
    scratch_media = _ScratchMedia(scratch.replace("_", "-"))
    try:
        _run([_pg_binary("pg_restore"), "--no-owner", "-d", scratch,
              str(directory / "database.dump")], env, "pg_restore")  # fmt: skip
        # A connection of its own, outside Django's: the scratch database is no alias of ours.
        with _connect(db, scratch) as scratch_db, scratch_db.cursor() as cursor:
            got = _counts(cursor)
            referenced = _referenced_keys(cursor)
        expected_counts = manifest["tables"]
        report.tables = {label: (n, got.get(label, -1)) for label, n in expected_counts.items()}
        for key, expected in manifest["objects"].items():
            scratch_media.put(key, (directory / "media" / key).read_bytes())
            if hashlib.sha256(scratch_media.get(key)).hexdigest() != expected["sha256"]:
                report.checksum_mismatches.append(key)
        report.objects = len(manifest["objects"])
        report.missing_objects = sorted(k for k in referenced if k not in manifest["objects"])
    finally:
        if not keep:
            scratch_media.drop()
            _run([_pg_binary("dropdb"), scratch], env, "dropdb")
    report.seconds = time.monotonic() - started
    return report


def _connect(db: dict, name: str):
    import psycopg

    return psycopg.connect(
        dbname=name, user=db.get("USER") or None, password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None, port=db.get("PORT") or None,
    )  # fmt: skip


def _referenced_keys(cursor) -> set[str]:
    from media_pipeline.models import MediaInstance

    columns = ", ".join([*MEDIA_KEY_FIELDS, "frame_keys"])
    cursor.execute(f'SELECT {columns} FROM "{MediaInstance._meta.db_table}"')  # noqa: S608
    keys: set[str] = set()
    for *named, frames in cursor.fetchall():
        keys.update(key for key in named if key)
        keys.update(frames or [])
    return keys


class _ScratchMedia:
    """A new bucket beside the live one (S3), or a new directory beside the local root."""

    def __init__(self, name: str):
        storage = clinical_storage()
        if hasattr(storage, "bucket"):
            self.client = storage.connection.meta.client
            self.bucket = name[:63]
            self.client.create_bucket(Bucket=self.bucket)
            self.root = None
        else:
            self.client = None
            self.root = Path(storage.location).parent / name
            self.root.mkdir(parents=True)

    def put(self, key: str, data: bytes) -> None:
        if self.client:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data)
        else:
            path = self.root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def get(self, key: str) -> bytes:
        if self.client:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return (self.root / key).read_bytes()

    def drop(self) -> None:
        if self.client:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket):
                for obj in page.get("Contents", []):
                    self.client.delete_object(Bucket=self.bucket, Key=obj["Key"])
            self.client.delete_bucket(Bucket=self.bucket)
        else:
            shutil.rmtree(self.root, ignore_errors=True)
