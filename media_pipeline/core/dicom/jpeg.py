"""Strip metadata from JPEG codestreams (baseline, extended, lossless, JPEG-LS) unre-encoded.

COM and APP1..APP15 segments are dropped (EXIF, XMP, ICC, vendor blobs), except an APP14
"Adobe" segment, which decoders need to know the colour transform. APP0 is kept only as a
minimal JFIF header without its embedded thumbnail. Nothing after EOI is kept (appended
pictures, vendor trailers). The entropy-coded data and every other marker segment are copied
byte for byte, so the decoded pixels are unchanged.
"""

import re
import struct

SOI = b"\xff\xd8"
_COM = 0xFE
_APP0, _APP14, _APP15 = 0xE0, 0xEE, 0xEF
_SOS, _EOI = 0xDA, 0xD9
# Next marker after entropy-coded data: 0xFF (plus fill bytes) then anything but a stuffed zero
# or a restart marker. JPEG-LS stuffs a zero bit instead, so there a marker's second byte has its
# high bit set.
_NEXT_MARKER = re.compile(rb"\xff+([^\x00\xd0-\xd7\xff])")
_NEXT_MARKER_LS = re.compile(rb"\xff([\x80-\xcf\xd8-\xfe])")
_SOF55 = 0xF7
_JFIF_NO_THUMBNAIL_LEN = 16


def _minimal_app0(body: bytes) -> bytes | None:
    if not body.startswith(b"JFIF\x00") or len(body) < 12:
        return None
    header = body[:12] + b"\x00\x00"  # identifier, version, units, densities; no thumbnail
    return b"\xff\xe0" + struct.pack(">H", _JFIF_NO_THUMBNAIL_LEN) + header


def strip_jpeg(frame: bytes) -> bytes:
    """Return ``frame`` without metadata segments; raise ValueError if it is not a JPEG."""
    if not frame.startswith(SOI):
        raise ValueError("not a JPEG codestream")
    out = [SOI]
    pos = 2
    size = len(frame)
    next_marker = _NEXT_MARKER
    while pos < size:
        if frame[pos] != 0xFF:
            raise ValueError("corrupt JPEG marker structure")
        marker = frame[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == _EOI:
            out.append(frame[pos : pos + 2])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            out.append(frame[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > size:
            raise ValueError("truncated JPEG segment")
        (length,) = struct.unpack_from(">H", frame, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > size:
            raise ValueError("truncated JPEG segment")
        if marker == _APP0:
            app0 = _minimal_app0(frame[pos + 4 : end])
            if app0:
                out.append(app0)
        elif marker == _APP14:
            if frame[pos + 4 : pos + 9] == b"Adobe":
                out.append(frame[pos:end])
        elif marker != _COM and not _APP0 < marker <= _APP15:
            out.append(frame[pos:end])
        pos = end
        if marker == _SOF55:
            next_marker = _NEXT_MARKER_LS
        if marker == _SOS:
            match = next_marker.search(frame, pos)
            scan_end = match.start() if match else size
            out.append(frame[pos:scan_end])
            pos = scan_end
    # Without EOI, whatever follows the last scan cannot be told apart from image data.
    raise ValueError("JPEG codestream without an end marker")
