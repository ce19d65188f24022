"""Bytes that no decoder or viewer reads must not carry identifiers out either.

Identifiers planted where the issue lists nothing: after the pixel data, in the bits above
Bits Stored, after a JPEG's EOI, in JPEG 2000 tile-part headers, after EOC and in JP2 boxes,
in the gaps of RLE frames, in extra fragments, and in public binary attributes.
"""

import struct

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataelem import DataElement
from pydicom.encaps import encapsulate, generate_frames
from pydicom.filebase import DicomBytesIO
from pydicom.sequence import Sequence
from pydicom.uid import JPEG2000Lossless, JPEGBaseline8Bit, RLELossless

from media_pipeline.core.dicom.anonymise import anonymise_dataset, write_dataset
from media_pipeline.core.dicom.validate import read_dicom
from media_pipeline.core.errors import MediaRejected
from tests.media_pipeline.core import dicom_factory as factory
from tests.media_pipeline.core.test_dicom_anonymise import anonymise_bytes, context, leaks
from tests.media_pipeline.core.test_dicom_pixels import decoded


def pixel_data(data: bytes) -> bytes:
    return pydicom.dcmread(DicomBytesIO(data)).PixelData


def only_frame(data: bytes) -> bytes:
    (frame,) = generate_frames(pixel_data(data), number_of_frames=1)
    return frame


def marker_bytes(planted: factory.Planted) -> bytes:
    return planted.marker().encode()


def compressed(planted: factory.Planted, syntax: str) -> pydicom.Dataset:
    ds = factory.base_image(planted, rows=32, columns=32)
    ds.compress(syntax, encoding_plugin="pylibjpeg" if syntax == JPEG2000Lossless else "")
    ds.file_meta = factory.file_meta(ds, syntax, planted)
    return ds


def with_frame(ds: pydicom.Dataset, frame: bytes) -> pydicom.Dataset:
    ds.PixelData = encapsulate([frame])
    return ds


def test_bytes_after_native_pixel_data_are_dropped():
    planted = factory.Planted()
    ds = factory.base_image(planted, rows=16, columns=16)
    ds.PixelData += marker_bytes(planted) + b"\0"
    data = factory.to_bytes(ds, planted)
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert len(pixel_data(out)) == 16 * 16 * 2
    assert np.array_equal(decoded(out), decoded(data))


def test_overlay_bits_above_bits_stored_are_cleared():
    planted = factory.Planted()
    ds = factory.base_image(planted, rows=16, columns=16)  # 12 of 16 bits stored
    stored = np.frombuffer(ds.PixelData, "<u2").reshape(16, 16).copy()
    stored[4:8, 2:14] |= 1 << 15  # an overlay bitmap in the top bit, as old devices wrote
    ds.PixelData = stored.tobytes()
    data = factory.to_bytes(ds, planted)
    out = anonymise_bytes(data)
    raw = np.frombuffer(pixel_data(out), "<u2")
    assert not (raw & 0xF000).any()
    assert np.array_equal(decoded(out), decoded(data))


def test_signed_values_keep_their_sign_in_the_unused_bits():
    planted = factory.Planted()
    ds = factory.base_image(planted, rows=4, columns=4)
    ds.PixelRepresentation = 1
    values = np.array([-2048, -1, 0, 2047] * 4, dtype=np.int16)
    ds.PixelData = ((values.view(np.uint16) & 0x0FFF) | 0x5000).tobytes()  # junk high bits
    data = factory.to_bytes(ds, planted)
    out = anonymise_bytes(data)
    assert np.array_equal(np.frombuffer(pixel_data(out), "<i2"), values)
    assert np.array_equal(decoded(out), decoded(data))


def test_bytes_after_jpeg_eoi_are_dropped():
    planted = factory.Planted()
    ds = factory.jpeg_image(planted)
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    trailer = marker_bytes(planted) * 3
    data = factory.to_bytes(with_frame(ds, frame + trailer), planted)
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert only_frame(out).rstrip(b"\0").endswith(b"\xff\xd9")
    assert np.array_equal(decoded(out), decoded(data))


def test_fragments_beyond_the_frame_are_dropped():
    planted = factory.Planted()
    ds = factory.jpeg_image(planted)
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    fragments = [frame, marker_bytes(planted) + b"\0"]  # one frame, then a stray fragment
    ds.PixelData = b"".join(_item(fragment) for fragment in [b"", *fragments])
    data = factory.to_bytes(ds, planted)
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert np.array_equal(decoded(out), decoded(data))


def _item(value: bytes) -> bytes:
    value += b"\0" * (len(value) % 2)
    return b"\xfe\xff\x00\xe0" + struct.pack("<I", len(value)) + value


def test_a_jpeg_frame_that_is_not_a_jpeg_is_rejected():
    planted = factory.Planted()
    ds = factory.jpeg_image(planted)
    data = factory.to_bytes(with_frame(ds, marker_bytes(planted) * 4), planted)
    with pytest.raises(MediaRejected) as caught:
        anonymise_bytes(data)
    assert caught.value.code == "corrupt"


def j2k_with_markers(codestream: bytes, planted: factory.Planted) -> bytes:
    """COM segments in the main and first tile-part headers, and bytes after EOC."""
    sot = codestream.index(b"\xff\x90")
    com_main = _j2k_com(marker_bytes(planted))
    com_tile = _j2k_com(marker_bytes(planted))
    (psot,) = struct.unpack_from(">I", codestream, sot + 6)
    tile_header = bytearray(codestream[sot : sot + 12])
    if psot:
        struct.pack_into(">I", tile_header, 6, psot + len(com_tile))
    rest = codestream[sot + 12 :]
    return (
        codestream[:sot] + com_main + bytes(tile_header) + com_tile + rest + marker_bytes(planted)
    )


def _j2k_com(text: bytes) -> bytes:
    return b"\xff\x64" + struct.pack(">HH", len(text) + 4, 1) + text


def test_jpeg_2000_comments_in_every_header_and_bytes_after_eoc_are_dropped():
    planted = factory.Planted()
    ds = compressed(planted, JPEG2000Lossless)
    clean = factory.to_bytes(ds, factory.Planted())
    ds = compressed(planted, JPEG2000Lossless)
    marked = j2k_with_markers(next(generate_frames(ds.PixelData, number_of_frames=1)), planted)
    data = factory.to_bytes(with_frame(ds, marked), planted)
    assert np.array_equal(decoded(data), decoded(clean))  # the marked codestream decodes
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert only_frame(out).rstrip(b"\0").endswith(b"\xff\xd9")
    assert np.array_equal(decoded(out), decoded(clean))


def jp2_file(codestream: bytes, text: bytes) -> bytes:
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload) + 8) + kind + payload

    return (
        b"\x00\x00\x00\x0cjP  \r\n\x87\n"  # JP2 signature box
        + box(b"ftyp", b"jp2 \0\0\0\0jp2 ")
        + box(b"xml ", b"<patient>" + text + b"</patient>")
        + box(b"jp2c", codestream)
        + box(b"uuid", b"\0" * 16 + text)
    )


def test_a_jp2_wrapped_codestream_leaves_its_boxes_behind():
    planted = factory.Planted()
    ds = compressed(planted, JPEG2000Lossless)
    clean = factory.to_bytes(ds, factory.Planted())
    codestream = next(generate_frames(ds.PixelData, number_of_frames=1))
    wrapped = jp2_file(codestream, marker_bytes(planted))
    out = anonymise_bytes(factory.to_bytes(with_frame(ds, wrapped), planted))
    assert leaks(out, planted) == []
    assert only_frame(out).startswith(b"\xff\x4f\xff\x51")
    assert np.array_equal(decoded(out), decoded(clean))


def rle_with_gaps(frame: bytes, text: bytes) -> bytes:
    """The same segments with ``text`` between the header and each segment and at the end."""
    count, *offsets = struct.unpack_from("<16L", frame)
    ends = [*offsets[1:count], len(frame)]
    segments = [frame[start:end] for start, end in zip(offsets[:count], ends, strict=True)]
    body, new_offsets = b"", []
    for segment in segments:
        body += text
        new_offsets.append(64 + len(body))
        body += segment
    body += text
    slots = new_offsets + [int.from_bytes(text[:4], "little")] * (15 - count)
    return struct.pack("<16L", count, *slots) + body


def test_rle_gaps_and_trailers_are_dropped():
    planted = factory.Planted()
    ds = compressed(planted, RLELossless)
    clean = factory.to_bytes(ds, factory.Planted())
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    text = marker_bytes(planted) + b"\0"
    data = factory.to_bytes(with_frame(ds, rle_with_gaps(frame, text)), planted)
    assert np.array_equal(decoded(data), decoded(clean))  # the padded frame still decodes
    out = anonymise_bytes(data)
    assert leaks(out, planted) == []
    assert only_frame(out) == frame
    assert np.array_equal(decoded(out), decoded(clean))


def test_truncated_rle_segment_is_rejected():
    planted = factory.Planted()
    ds = compressed(planted, RLELossless)
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    data = factory.to_bytes(with_frame(ds, frame[: len(frame) // 2]), planted)
    with pytest.raises(MediaRejected) as caught:
        anonymise_bytes(data)
    assert caught.value.code == "corrupt"


def test_an_rle_segment_running_past_its_plane_is_rejected():
    # Decoders write past the plane or panic (pylibjpeg-rle): such a frame is corrupt.
    planted = factory.Planted()
    ds = compressed(planted, RLELossless)  # 32 x 32 x 16 bits: two planes of 1,024 bytes
    high = bytes([0x81, 0]) * 8  # eight runs of 128 zeros: exactly one plane
    low = bytes([0, 5]) + bytes([0x81, 5]) * 8  # 1 + 8 x 128: the last run crosses the end
    frame = struct.pack("<16L", 2, 64, 64 + len(high), *[0] * 13) + high + low
    data = factory.to_bytes(with_frame(ds, frame), planted)
    with pytest.raises(MediaRejected) as caught:
        anonymise_bytes(data)
    assert caught.value.code == "corrupt"


def test_public_binary_attributes_outside_the_whitelist_are_removed():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    ds.ICCProfile = b"desc" + marker_bytes(planted)
    ds[0x00420011] = DataElement(0x00420011, "OB", b"%PDF " + marker_bytes(planted) + b"\0")
    item = pydicom.Dataset()
    item.ICCProfile = marker_bytes(planted) + b"\0"
    ds.ReferencedImageSequence = Sequence([item])
    out = anonymise_bytes(factory.to_bytes(ds, planted))
    assert leaks(out, planted) == []
    assert "ICCProfile" not in pydicom.dcmread(DicomBytesIO(out))


def test_lookup_tables_and_pixels_stay():
    planted = factory.Planted()
    ds = factory.base_image(planted)
    lut = pydicom.Dataset()
    lut.LUTDescriptor = [4096, 0, 16]
    lut.add_new(0x00283006, "OW", np.arange(4096, dtype="<u2").tobytes())
    ds.VOILUTSequence = Sequence([lut])
    out = pydicom.dcmread(DicomBytesIO(anonymise_bytes(factory.to_bytes(ds, planted))))
    assert out.VOILUTSequence[0][0x00283006].value == lut[0x00283006].value
    assert out.PixelData == ds.PixelData


def test_a_dataset_read_as_implicit_vr_under_an_explicit_syntax_is_written():
    # pydicom's test file declares JPEG Baseline (explicit VR) but encodes its dataset implicitly.
    path = get_testdata_file("SC_rgb_jpeg.dcm")
    result = anonymise_dataset(read_dicom(path), context())
    out = write_dataset(result.dataset)
    assert pydicom.dcmread(DicomBytesIO(out)).file_meta.TransferSyntaxUID == JPEGBaseline8Bit
    assert np.array_equal(decoded(out), pydicom.dcmread(path).pixel_array)
