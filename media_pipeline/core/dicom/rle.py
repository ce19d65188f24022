"""Rebuild DICOM RLE Lossless frames from exactly the bytes their segments decode from.

An RLE frame (PS3.5 Annex G) is a 64-byte header of segment offsets followed by PackBits
segments, each decoding to one byte plane of Rows x Columns bytes. Decoders stop once a plane is
full, so bytes between segments, after the last one, or in unused header slots are never looked
at, and could carry anything. Walking the run headers (without expanding them) finds where
each segment really ends; the rebuilt frame holds those bytes only, unchanged.

That walk is a Python loop over every run, so the common case goes first: pylibjpeg-rle's
strict decoder (pydicom's RLE plugin) decodes the span between two offsets and fails or
overshoots when anything follows the runs; decoding exactly one plane proves the span clean.
"""

import struct

from rle.utils import decode_segment

from media_pipeline.core.errors import is_stop

_HEADER = struct.Struct("<16L")
MAX_SEGMENTS = 15


def strip_rle(frame: bytes, plane_bytes: int) -> bytes:
    """Return ``frame`` with only its segments' run data; ``plane_bytes`` is Rows x Columns.

    Raises ``ValueError`` if the header or a segment is malformed or too short.
    """
    if len(frame) < _HEADER.size:
        raise ValueError("truncated RLE header")
    count, *offsets = _HEADER.unpack_from(frame)
    if not 1 <= count <= MAX_SEGMENTS:
        raise ValueError("invalid RLE segment count")
    starts = offsets[:count]
    limits = [*starts[1:], len(frame)]
    if starts[0] < _HEADER.size or any(a >= b for a, b in zip(starts, limits, strict=True)):
        raise ValueError("invalid RLE segment offsets")
    segments = []
    for start, limit in zip(starts, limits, strict=True):
        end = _segment_end(frame, start, limit, plane_bytes)
        segment = frame[start:end]
        segments.append(segment + b"\0" if len(segment) % 2 else segment)
    new_offsets, position = [], _HEADER.size
    for segment in segments:
        new_offsets.append(position)
        position += len(segment)
    new_offsets += [0] * (MAX_SEGMENTS - count)
    return _HEADER.pack(count, *new_offsets) + b"".join(segments)


def _segment_end(data: bytes, pos: int, limit: int, plane_bytes: int) -> int:
    """Where the PackBits runs starting at ``pos`` have produced ``plane_bytes`` bytes."""
    span = data[pos:limit]
    if _decodes_to(span, plane_bytes):
        return limit
    if span.endswith(b"\0") and _decodes_to(span[:-1], plane_bytes):
        return limit - 1  # a pad byte after an odd-length segment; put back by the caller
    return _walk_runs(data, pos, limit, plane_bytes)


def _decodes_to(span: bytes, plane_bytes: int) -> bool:
    try:
        return len(decode_segment(span)) == plane_bytes
    except BaseException as exc:  # ValueError, or a panic of the Rust decoder
        if is_stop(exc):
            raise
        return False


def _walk_runs(data: bytes, pos: int, limit: int, plane_bytes: int) -> int:
    # Counts down what is still to produce: the loop runs once per run, so it is kept bare.
    remaining = plane_bytes
    while remaining > 0 and pos < limit:
        header = data[pos]
        if header < 128:  # a literal run of header + 1 bytes
            pos += header + 2
            remaining -= header + 1
        elif header > 128:  # one byte repeated 257 - header times
            pos += 2
            remaining -= 257 - header
        else:  # 128 is a no-op
            pos += 1
    if remaining > 0 or pos > limit:
        raise ValueError("truncated RLE segment")
    if remaining < 0:  # decoders may write past the plane: refuse rather than trust them
        raise ValueError("RLE segment longer than its plane")
    return pos
