"""scrub_photo: metadata is gone, orientation applied, bad uploads rejected with a reason."""

import io
import struct
import zlib

import numpy as np
import pillow_heif
import pytest
from PIL import Image, ImageCms, PngImagePlugin

from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.photos import ScrubbedPhoto, scrub_photo

XMP_NAMESPACE = b"http://ns.adobe.com/xap/1.0/\x00"


def marked_image(width: int = 80, height: int = 40) -> Image.Image:
    """Blue image with a red 20x20 block in the stored top-left corner."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 20, 20))
    return image


def tiff_exif(marker: bytes, orientation: int, thumbnail: bytes) -> bytes:
    """EXIF APP1 payload with a description, GPS IFD and an IFD1 JPEG thumbnail."""

    def ifd(entries, offset, next_offset):
        data_offset = offset + 2 + 12 * len(entries) + 4
        table, data = struct.pack("<H", len(entries)), b""
        for tag, kind, count, payload in entries:
            if len(payload) <= 4:
                table += struct.pack("<HHI", tag, kind, count) + payload.ljust(4, b"\x00")
            else:
                table += struct.pack("<HHII", tag, kind, count, data_offset + len(data))
                data += payload + b"\x00" * (len(payload) % 2)
        return table + struct.pack("<I", next_offset) + data

    def size(entries):
        return len(ifd(entries, 0, 0))

    description = marker + b" description\x00"
    gps = [
        (0x0001, 2, 2, b"N\x00"),
        (0x0002, 5, 3, struct.pack("<6I", 51, 1, 30, 1, 1234, 100)),
        (0x001B, 7, len(marker) + 8, b"ASCII\x00\x00\x00" + marker),
    ]
    ifd0 = [
        (0x010E, 2, len(description), description),
        (0x0112, 3, 1, struct.pack("<H", orientation)),
        (0x8825, 4, 1, struct.pack("<I", 0)),
    ]
    gps_offset = 8 + size(ifd0)
    ifd0[2] = (0x8825, 4, 1, struct.pack("<I", gps_offset))
    ifd1_offset = gps_offset + size(gps)
    ifd1 = [(0x0201, 4, 1, b"\x00" * 4), (0x0202, 4, 1, struct.pack("<I", len(thumbnail)))]
    thumbnail_offset = ifd1_offset + size(ifd1)
    ifd1[0] = (0x0201, 4, 1, struct.pack("<I", thumbnail_offset))
    return (
        b"Exif\x00\x00II*\x00"
        + struct.pack("<I", 8)
        + ifd(ifd0, 8, ifd1_offset)
        + ifd(gps, gps_offset, 0)
        + ifd(ifd1, ifd1_offset, 0)
        + thumbnail
    )


def insert_jpeg_segments(jpeg: bytes, segments: list[tuple[int, bytes]]) -> bytes:
    """Insert APPn/COM segments right after the SOI marker."""
    raw = b"".join(
        bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
        for marker, payload in segments
    )
    return jpeg[:2] + raw + jpeg[2:]


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def jpeg_with_everything(marker: bytes, orientation: int = 6) -> bytes:
    thumbnail = encode(Image.new("RGB", (8, 8)), "JPEG", comment=marker + b" thumbnail")
    jpeg = encode(
        marked_image(),
        "JPEG",
        quality=95,
        exif=tiff_exif(marker, orientation, thumbnail),
        comment=marker + b" comment",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    xmp = XMP_NAMESPACE + b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + marker + b"</x:xmpmeta>"
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(marker) + 5)
    iptc += b"\x1c\x02\x78" + struct.pack(">H", len(marker)) + marker
    return insert_jpeg_segments(jpeg, [(0xE1, xmp), (0xED, iptc)])


def png_with_everything(marker: bytes) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", (marker + b" tEXt").decode())
    info.add_itxt("Description", (marker + b" iTXt").decode(), lang="en", tkey="Description")
    info.add_text("Comment", (marker + b" zTXt").decode(), zip=True)
    exif = Image.Exif()
    exif[0x010E] = (marker + b" eXIf").decode()
    return encode(marked_image(), "PNG", pnginfo=info, exif=exif)


def pixel(photo: ScrubbedPhoto, xy: tuple[int, int]) -> tuple[int, ...]:
    return Image.open(io.BytesIO(photo.data)).convert("RGB").getpixel(xy)


def assert_red(rgb):
    assert rgb[0] > 180 and rgb[1] < 80 and rgb[2] < 80, rgb


def assert_blue(rgb):
    assert rgb[2] > 180 and rgb[0] < 80, rgb


def test_jpeg_loses_every_metadata_block_and_is_turned_upright():
    marker = b"MARKER-JPEG-7d1f"
    original = jpeg_with_everything(marker)
    # The fixture really carries the marker in every block we claim to strip.
    assert original.count(marker) >= 6

    photo = scrub_photo(original, "IMG_0001.JPG")

    assert marker not in photo.data
    assert b"Exif" not in photo.data and b"ns.adobe.com" not in photo.data
    assert b"Photoshop" not in photo.data and b"ICC_PROFILE" not in photo.data
    assert (photo.format, photo.extension) == ("JPEG", ".jpg")
    # Orientation 6 rotates 90 degrees clockwise: 80x40 stored becomes 40x80 shown and the
    # stored top-left red block ends up top-right.
    assert (photo.width, photo.height) == (40, 80)
    decoded = Image.open(io.BytesIO(photo.data))
    assert decoded.size == (40, 80)
    assert not decoded.getexif() and "icc_profile" not in decoded.info
    assert_red(pixel(photo, (30, 10)))
    assert_blue(pixel(photo, (10, 10)))


def test_jpeg_without_orientation_keeps_its_layout():
    photo = scrub_photo(jpeg_with_everything(b"MARKER-J1", orientation=1), "a.jpeg")
    assert (photo.width, photo.height) == (80, 40)
    assert_red(pixel(photo, (10, 10)))


def test_png_loses_text_chunks_and_exif_and_stays_lossless():
    marker = b"MARKER-PNG-31aa"
    original = png_with_everything(marker)
    assert original.count(marker) >= 3  # tEXt, iTXt, eXIf in clear; zTXt compressed
    assert b"zTXt" in original

    photo = scrub_photo(original, "wound.png")

    assert marker not in photo.data
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"):
        assert chunk not in photo.data
    assert (photo.format, photo.extension) == ("PNG", ".png")
    decoded = np.asarray(Image.open(io.BytesIO(photo.data)).convert("RGB"))
    assert np.array_equal(decoded, np.asarray(marked_image()))


def test_png_palette_with_transparency_becomes_rgba():
    image = marked_image().convert("P")
    data = encode(image, "PNG", transparency=0)
    photo = scrub_photo(data, "x.png")
    assert Image.open(io.BytesIO(photo.data)).mode == "RGBA"


def test_webp_loses_exif_and_xmp():
    marker = b"MARKER-WEBP-9c0e"
    exif = Image.Exif()
    exif[0x010E] = marker.decode()
    exif[0x0112] = 6
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + marker + b"</x:xmpmeta>"
    original = encode(marked_image(), "WEBP", quality=95, exif=exif, xmp=xmp)
    assert original.count(marker) == 2

    photo = scrub_photo(original, "a.webp")

    assert marker not in photo.data
    assert b"EXIF" not in photo.data and b"XMP " not in photo.data
    assert (photo.format, photo.extension, photo.width, photo.height) == ("WEBP", ".webp", 40, 80)
    assert_red(pixel(photo, (30, 10)))


def test_heic_becomes_jpeg_without_metadata():
    if not pillow_heif.libheif_info()["encoders"].get("x265"):
        pytest.skip("this libheif build has no HEVC encoder to create a HEIC fixture")
    pillow_heif.register_heif_opener()
    marker = b"MARKER-HEIC-55b2"
    exif = Image.Exif()
    exif[0x010E] = marker.decode()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + marker + b"</x:xmpmeta>"
    original = encode(marked_image(), "HEIF", quality=95, exif=exif, xmp=xmp)
    assert original.count(marker) == 2

    photo = scrub_photo(original, "IMG_4242.HEIC")

    assert marker not in photo.data
    assert (photo.format, photo.extension) == ("JPEG", ".jpg")
    assert (photo.width, photo.height) == (80, 40)
    assert_red(pixel(photo, (10, 10)))
    assert_blue(pixel(photo, (60, 30)))


def test_multi_picture_jpeg_keeps_only_the_primary_image():
    secondary = Image.new("RGB", (80, 40), (0, 255, 0))
    data = encode(marked_image(), "MPO", save_all=True, append_images=[secondary])
    assert Image.open(io.BytesIO(data)).n_frames == 2

    photo = scrub_photo(data, "portrait.jpg")

    decoded = Image.open(io.BytesIO(photo.data))
    assert decoded.format == "JPEG" and getattr(decoded, "n_frames", 1) == 1
    assert photo.data.count(b"\xff\xd8") == 1  # one start-of-image: nothing appended
    assert_red(pixel(photo, (10, 10)))
    assert_blue(pixel(photo, (60, 30)))


def rejection(data: bytes, filename: str, **options) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        scrub_photo(data, filename, **options)
    return caught.value


def animation(image_format: str) -> bytes:
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green")]
    return encode(frames[0], image_format, save_all=True, append_images=frames[1:], duration=100)


@pytest.mark.parametrize(("image_format", "filename"), [("WEBP", "a.webp"), ("PNG", "a.png")])
def test_animations_are_rejected(image_format, filename):
    error = rejection(animation(image_format), filename)
    assert error.code == "animated"
    assert error.reason == "The file contains an animation; upload a single still photo."


def test_gif_is_rejected_as_unsupported_even_when_named_jpg():
    error = rejection(animation("GIF"), "a.jpg")
    assert error.code == "unsupported_format"
    assert "GIF" in error.reason


def test_tiff_is_rejected_as_unsupported():
    error = rejection(encode(marked_image(), "TIFF"), "scan.tif")
    assert error.code == "unsupported_format"
    assert "TIFF" in error.reason


def test_bytes_that_do_not_match_the_extension_are_rejected():
    error = rejection(encode(marked_image(), "PNG"), "photo.jpg")
    assert error.code == "type_mismatch"
    assert "JPEG" in error.reason and "PNG" in error.reason


def test_unknown_extension_is_rejected_without_echoing_the_file_name():
    error = rejection(encode(marked_image(), "PNG"), "Jane_Doe_MRN12345.bmp")
    assert error.code == "unsupported_format"
    assert "Jane" not in error.reason and "12345" not in error.reason


def test_random_bytes_are_not_an_image():
    noise = np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    assert rejection(noise, "a.jpg").code == "not_an_image"


def test_truncated_jpeg_is_rejected():
    data = encode(marked_image(400, 300), "JPEG")
    error = rejection(data[: len(data) // 2], "a.jpg")
    assert error.code == "corrupt"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming ``width`` x ``height`` pixels with almost no data behind it."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_claimed_giant_dimensions_are_rejected_before_decoding():
    assert rejection(png_header_only(100_000, 100_000), "a.png").code == "too_large"


def test_pillow_bomb_warning_counts_as_an_error():
    # 10,000 x 10,000 sits between Pillow's warning and error thresholds.
    assert Image.MAX_IMAGE_PIXELS < 100_000_000 < 2 * Image.MAX_IMAGE_PIXELS
    data = png_header_only(10_000, 10_000)
    assert rejection(data, "a.png", max_pixels=10**12).code == "too_large"


def test_small_file_decompressing_past_max_pixels_is_rejected():
    data = encode(Image.new("L", (3000, 3000)), "PNG")
    assert len(data) < 100_000
    error = rejection(data, "a.png", max_pixels=1_000_000)
    assert error.code == "too_large"
    assert "1 megapixels" in error.reason


def test_image_under_the_limit_is_accepted():
    photo = scrub_photo(encode(Image.new("L", (900, 900)), "PNG"), "a.png", max_pixels=1_000_000)
    assert (photo.width, photo.height) == (900, 900)
