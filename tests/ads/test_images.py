import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.images import process_uploaded_image
from tests.conftest import make_image_bytes

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 40_000_000}


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (37.0, 48.0, 30.0)
    gps[3] = "W"
    gps[4] = (122.0, 16.0, 10.0)
    return exif.tobytes()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims *width*×*height* pixels (no real pixel data needed to be refused)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_images_are_accepted_and_reencoded_as_jpeg_with_a_thumbnail(fmt):
    result = process_uploaded_image(upload(make_image_bytes(fmt, size=(2400, 1800))), **LIMITS)
    image = Image.open(io.BytesIO(result.image.read()))
    thumbnail = Image.open(io.BytesIO(result.thumbnail.read()))
    assert image.format == "JPEG" and image.size == (1600, 1200)
    assert thumbnail.format == "JPEG" and max(thumbnail.size) == 320


def test_exif_and_gps_are_stripped():
    original = make_image_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the upload does carry GPS
    result = process_uploaded_image(upload(original), **LIMITS)
    for stored in (result.image, result.thumbnail):
        stored.seek(0)
        reopened = Image.open(io.BytesIO(stored.read()))
        assert not reopened.getexif()
        assert "exif" not in reopened.info


def test_a_pdf_renamed_jpg_is_refused():
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    with pytest.raises(ValidationError) as error:
        process_uploaded_image(upload(pdf, "invoice.jpg"), **LIMITS)
    assert error.value.code == "not_an_image"


def test_a_truncated_jpeg_is_refused():
    data = make_image_bytes("JPEG", size=(800, 600))
    with pytest.raises(ValidationError) as error:
        process_uploaded_image(upload(data[: len(data) // 2]), **LIMITS)
    assert error.value.code == "corrupt_image"


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(ValidationError) as error:
        process_uploaded_image(upload(png_header_only(20000, 20000), "bomb.png", "image/png"), **LIMITS)
    assert error.value.code == "too_many_pixels"


def test_images_above_our_pixel_limit_are_refused_with_their_size():
    with pytest.raises(ValidationError) as error:
        process_uploaded_image(upload(png_header_only(8000, 6000), "big.png", "image/png"), **LIMITS)
    assert error.value.code == "too_many_pixels"
    assert error.value.messages == ["The image is 8000×6000 pixels; the limit is 40 megapixels."]


def test_other_image_formats_are_refused():
    with pytest.raises(ValidationError) as error:
        process_uploaded_image(upload(make_image_bytes("GIF"), "anim.gif", "image/gif"), **LIMITS)
    assert error.value.code == "unsupported_format"


def test_files_over_the_byte_limit_are_refused():
    with pytest.raises(ValidationError) as error:
        process_uploaded_image(upload(make_image_bytes("PNG")), max_bytes=100, max_pixels=40_000_000)
    assert error.value.code == "file_too_large"


def _jpeg_with_comment(comment: bytes) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, format="JPEG", comment=comment)
    buffer.seek(0)
    return buffer


def _png_with_text(**chunks: str) -> io.BytesIO:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 50)).save(buffer, format="PNG", pnginfo=info)
    buffer.seek(0)
    return buffer


def _all_bytes(processed) -> bytes:
    return processed.image.read() + processed.thumbnail.read()


def test_a_jpeg_comment_does_not_survive_the_re_encoding():
    upload = _jpeg_with_comment(b"<script>alert(1)</script>")
    assert b"<script>" in upload.getvalue()
    processed = process_uploaded_image(upload, max_bytes=10**7, max_pixels=10**7)
    data = _all_bytes(processed)
    assert b"<script>" not in data
    assert "comment" not in Image.open(io.BytesIO(data)).info


def test_png_text_chunks_do_not_survive_the_re_encoding():
    upload = _png_with_text(comment="Jane Doe, 12 Elm Street", Author="Jane Doe")
    processed = process_uploaded_image(upload, max_bytes=10**7, max_pixels=10**7)
    data = _all_bytes(processed)
    assert b"Elm Street" not in data
    assert b"Jane Doe" not in data
