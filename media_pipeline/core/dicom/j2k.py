"""Strip metadata from JPEG 2000 and HTJ2K codestreams without re-encoding.

COM segments are dropped from the main header and from every tile-part header, and nothing
after EOC is kept. A codestream wrapped in a JP2 file (which PS3.5 A.4.4 forbids, but some
writers produce) is taken out of its ``jp2c`` box, leaving behind the other boxes (XML, UUID,
IPR), which can carry any text. Tile-part lengths are rewritten when a COM segment goes; TLM,
which repeats those lengths, is then dropped (it only speeds up random access). Packet data is
copied byte for byte, so the decoded pixels are unchanged.
"""

import struct

SOC = b"\xff\x4f"
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_COM, _TLM, _SOT, _SOD, _EOC = 0xFF64, 0xFF55, 0xFF90, 0xFF93, 0xFFD9
_SOT_LENGTH = 12  # marker, Lsot, Isot, Psot, TPsot, TNsot


def strip_j2k(frame: bytes) -> bytes:
    """Return the codestream in ``frame`` without COM segments and trailing bytes.

    Raises ``ValueError`` if ``frame`` is neither a codestream nor a JP2 file holding one, or
    if its marker structure is broken.
    """
    if frame.startswith(JP2_SIGNATURE):
        frame = _codestream_of_jp2(frame)
    if not frame.startswith(SOC):
        raise ValueError("not a JPEG 2000 codestream")
    main, pos = _header_segments(frame, 2, stop=_SOT)
    tile_parts = []
    while pos < len(frame):  # some writers leave EOC out
        marker = _u16(frame, pos)
        if marker == _EOC:
            break
        if marker != _SOT:
            raise ValueError("corrupt JPEG 2000 tile-part")
        tile_part, pos = _tile_part(frame, pos)
        tile_parts.append(tile_part)
    if any(changed for _, _, changed in tile_parts):
        main = [segment for segment in main if _u16(segment, 0) != _TLM]
    out = [SOC, *main]
    for sot, body, _ in tile_parts:
        out += [sot, *body]
    out.append(frame[pos : pos + 2])
    return b"".join(out)


def _tile_part(frame: bytes, pos: int) -> tuple[tuple[bytes, list[bytes], bool], int]:
    """One tile-part from its SOT at ``pos``: (new SOT, header and data, COM removed), end."""
    if _u16(frame, pos + 2) != _SOT_LENGTH - 2:
        raise ValueError("corrupt JPEG 2000 tile-part header")
    tile, length, part, parts = struct.unpack_from(">HIBB", frame, pos + 4)
    header, sod = _header_segments(frame, pos + _SOT_LENGTH, stop=_SOD)
    if length:
        end = pos + length
    else:  # the last tile-part runs to EOC, which packet data cannot contain
        end = frame.find(b"\xff\xd9", sod)
        end = len(frame) if end < 0 else end
    if end < sod + 2 or end > len(frame):
        raise ValueError("corrupt JPEG 2000 tile-part length")
    body = [*header, frame[sod:end]]
    new_length = _SOT_LENGTH + sum(map(len, body)) if length else 0
    sot = struct.pack(">HHHIBB", _SOT, _SOT_LENGTH - 2, tile, new_length, part, parts)
    removed = sod - pos - _SOT_LENGTH != sum(map(len, header))
    return (sot, body, removed), end


def _header_segments(frame: bytes, pos: int, *, stop: int) -> tuple[list[bytes], int]:
    """Marker segments from ``pos`` up to the ``stop`` marker, COM left out; and its position."""
    segments = []
    while True:
        marker = _u16(frame, pos)
        if marker == stop:
            return segments, pos
        if marker >> 8 != 0xFF:
            raise ValueError("corrupt JPEG 2000 marker structure")
        end = pos + 2 + _u16(frame, pos + 2)
        if end > len(frame) or end < pos + 4:
            raise ValueError("truncated JPEG 2000 marker segment")
        if marker != _COM:
            segments.append(frame[pos:end])
        pos = end


def _codestream_of_jp2(data: bytes) -> bytes:
    """The payload of the contiguous codestream (``jp2c``) box of a JP2 file."""
    pos = 0
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if length == 1:
            (length,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif length == 0:
            length = len(data) - pos
        if length < header or pos + length > len(data):
            raise ValueError("corrupt JP2 box")
        if kind == b"jp2c":
            return data[pos + header : pos + length]
        pos += length
    raise ValueError("JP2 file without a codestream")


def _u16(data: bytes, pos: int) -> int:
    if pos + 2 > len(data):
        raise ValueError("truncated JPEG 2000 codestream")
    return struct.unpack_from(">H", data, pos)[0]
