"""The only module that writes, reads or deletes clinical media in ``storages["clinical"]``.

Keys are random (``cases/<case token>/<batch token>/<token>.<ext>``), objects are private and
never overwritten. A ``MediaWriter`` records every key it writes so that a unit of work can be
undone as a whole when any write fails: storage errors never leave half a result behind.
"""

import logging
import secrets

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)

STORAGE_UNAVAILABLE = "Storage is unavailable; nothing was saved. Upload the file again later."


class StorageUnavailable(Exception):
    """A write to clinical storage failed; the caller must undo and report, not retry blindly."""


def clinical_storage() -> Storage:
    # Looked up on every call: tests and deployments switch STORAGES at run time.
    return storages["clinical"]


def new_token() -> str:
    """A random, URL- and path-safe token of 128 bits."""
    return secrets.token_hex(16)


class MediaWriter:
    """Writes the objects of one unit of work under ``prefix`` and can delete them all again."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.written: list[str] = []

    def save(self, data: bytes, extension: str) -> str:
        """Store ``data`` under a fresh random key ending in ``extension``; return the key.

        Raises ``StorageUnavailable`` when the storage refuses or cannot be reached.
        """
        key = f"{self.prefix}/{new_token()}{extension}"
        # Recorded before the write: a failed write may still have left a partial object.
        self.written.append(key)
        try:
            saved = clinical_storage().save(key, ContentFile(data))
        except Exception as exc:  # OSError, botocore errors: all mean "not saved"
            logger.warning("clinical storage write failed: %s", type(exc).__name__)
            raise StorageUnavailable(STORAGE_UNAVAILABLE) from None
        if saved != key:
            self.written.append(saved)
        return saved

    def rollback(self) -> None:
        """Delete everything this writer wrote (best effort: storage may still be down)."""
        delete_keys(self.written)
        self.written = []


def delete_keys(keys) -> None:
    """Delete ``keys``; failures are logged by exception type only and otherwise ignored."""
    storage = clinical_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception as exc:  # a leftover object is better than a crash while undoing
            logger.warning("clinical storage delete failed: %s", type(exc).__name__)


def delete_prefix(prefix: str) -> None:
    """Delete every object under ``prefix`` (left by an interrupted earlier attempt)."""
    storage = clinical_storage()
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    except Exception as exc:
        logger.warning("clinical storage listing failed: %s", type(exc).__name__)
        return
    delete_keys(f"{prefix}/{name}" for name in files)
    for directory in directories:
        delete_prefix(f"{prefix}/{directory}")


def read(key: str) -> bytes:
    """The stored bytes of ``key``; raises ``StorageUnavailable`` when they cannot be read."""
    try:
        with clinical_storage().open(key, "rb") as handle:
            return handle.read()
    except Exception as exc:
        logger.warning("clinical storage read failed: %s", type(exc).__name__)
        raise StorageUnavailable(
            "Storage is unavailable; nothing was changed. Try again later."
        ) from None


def open_for_streaming(key: str) -> File:
    """An open file for a streaming response (local storage)."""
    return clinical_storage().open(key, "rb")


def presigned_url(key: str, content_type: str, seconds: int) -> str | None:
    """A URL valid for ``seconds`` when the storage can sign one (S3), else None.

    The response headers are fixed by the signature so the object always displays inline
    with its real type.
    """
    storage = clinical_storage()
    if not hasattr(storage, "bucket_name"):
        return None
    parameters = {
        "ResponseContentType": content_type,
        "ResponseContentDisposition": "inline",
        "ResponseCacheControl": "private, no-store",
    }
    return storage.url(key, parameters=parameters, expire=seconds)
