"""Safe iteration over the members of an uploaded zip study.

Whole-archive limits (entries, total uncompressed size, compression ratio) reject the archive
before anything is decompressed, using the sizes declared in the central directory; zipfile
stops reading a member at its declared size and checks its CRC, so the declarations bound the
work. Member-level problems (unsafe paths, links, nested archives, encryption) reject only
that member. Two members whose names are equal once case and Unicode normalisation are
ignored (``Scan.dcm``, ``scan.dcm``, an NFC and an NFD ``é``) both survive: the later one is
renamed ``scan~2.dcm``, so no output ever overwrites another on any file system.
"""

import lzma
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from media_pipeline.core.errors import MediaRejected


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds for one archive; the defaults suit a study of a few thousand slices."""

    max_entries: int = 10_000
    max_total_bytes: int = 4 << 30
    max_member_bytes: int = 1 << 30
    max_ratio: float = 200.0


@dataclass(frozen=True)
class Member:
    """One archive member: a safe relative ``name`` and its ``data``, or why it is rejected.

    ``name`` is distinct within the archive (see ``DistinctNames``); ``original`` is the name
    as stored in the archive when it had to be changed.
    """

    name: str
    data: bytes | None
    rejected: str | None = None
    original: str | None = None


def safe_member_name(raw: str) -> str | None:
    """The member's path as a safe relative POSIX path, or None if it could escape or is odd.

    Absolute paths, drive letters, ``..`` components and empty names are unsafe (zip-slip).
    """
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [part for part in PurePosixPath(name).parts if part not in ("", ".")]
    if not parts or ".." in parts or any("\0" in part for part in parts):
        return None
    return "/".join(parts)


# What zipfile and its decompressors raise on damaged members (bz2 raises OSError).
CORRUPT_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    OSError,
    EOFError,
    ValueError,
)


def iter_members(source: str | BinaryIO, limits: ArchiveLimits | None = None) -> Iterator[Member]:
    """Yield each file member of the zip at ``source`` (a path or binary file), one at a time.

    Raises ``MediaRejected`` when the file is not a zip or breaks a whole-archive limit.
    Directory entries are skipped.
    """
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as exc:
        raise MediaRejected("the archive is not a valid zip file", code="bad_archive") from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_limits(infos, limits)
        names = DistinctNames()
        for info in infos:
            member = _read_member(archive, info, limits)
            distinct = names.claim(member.name)
            original = member.name if distinct != member.name else None
            yield Member(distinct, member.data, member.rejected, original)


class DistinctNames:
    """Hands out names no two of which collide on a case-insensitive, normalising file system."""

    def __init__(self):
        self._taken: set[str] = set()

    def claim(self, name: str) -> str:
        """``name`` itself when free, else ``stem~N.suffix`` with the smallest free N >= 2."""
        path = PurePosixPath(name)
        candidate, number = name, 1
        while _collision_key(candidate) in self._taken:
            number += 1
            candidate = str(path.with_name(f"{path.stem}~{number}{path.suffix}"))
        self._taken.add(_collision_key(candidate))
        return candidate


def _collision_key(name: str) -> str:
    # NFC then casefold then NFC again: what macOS (NFD, case-insensitive) and Windows treat as
    # the same name maps to one key.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _check_limits(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(infos) > limits.max_entries:
        raise MediaRejected("the archive has too many entries", code="archive_limit")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise MediaRejected("the archive is too large when unpacked", code="archive_limit")
    compressed = sum(info.compress_size for info in infos)
    if total > limits.max_ratio * max(compressed, 1):
        raise MediaRejected(
            "the archive's compression ratio is too high (possible zip bomb)", code="archive_limit"
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits) -> Member:
    name = safe_member_name(info.filename)
    if name is None:
        return Member(info.filename, None, "unsafe path in archive")
    if stat.S_ISLNK(info.external_attr >> 16):
        return Member(name, None, "links inside archives are not accepted")
    if info.flag_bits & 0x1:
        return Member(name, None, "encrypted archive members are not accepted")
    if info.file_size > limits.max_member_bytes:
        return Member(name, None, "the archive member is larger than the size limit")
    if name.lower().endswith(".zip"):
        return Member(name, None, "nested archives are not accepted")
    try:
        data = archive.read(info)
    except CORRUPT_MEMBER_ERRORS:
        return Member(name, None, "the archive member is corrupt")
    if data.startswith(b"PK\x03\x04"):
        return Member(name, None, "nested archives are not accepted")
    return Member(name, data)
