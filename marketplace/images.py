"""Verify and re-encode uploaded images with Pillow.

Only real JPEG, PNG and WebP images are accepted: the decision is made by decoding the bytes, never by
the file name or the browser's content type. Every accepted image is fully decoded, rotated upright from
its EXIF orientation and re-encoded without any metadata, so EXIF (including GPS position), comments and
text chunks never reach storage. Pixel limits are checked from the header before decoding, which
refuses decompression bombs.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})

ERROR_NOT_AN_IMAGE = "not_an_image"
ERROR_FORMAT = "unsupported_format"
ERROR_TOO_LARGE = "file_too_large"
ERROR_TOO_MANY_PIXELS = "too_many_pixels"
ERROR_CORRUPT = "corrupt_image"


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded image and its thumbnail, ready to be saved to storage (both JPEG)."""

    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _encode_jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    # Pillow carries what it read into ``info`` (a JPEG comment, PNG text chunks, an ICC profile, DPI) and
    # writes some of it back, e.g. the comment as a COM segment: nothing of the upload's metadata stays.
    image.info = {}
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def process_uploaded_image(
    uploaded,
    *,
    max_bytes: int,
    max_pixels: int,
    max_side: int = 1600,
    thumbnail_side: int = 320,
) -> ProcessedImage:
    """Verify *uploaded* is a real image and return it re-encoded, with a thumbnail.

    Args:
        uploaded: a file-like object (Django ``UploadedFile`` or any binary stream) with the raw bytes.
        max_bytes: largest accepted file size in bytes.
        max_pixels: largest accepted width × height, checked before decoding.
        max_side: longest side in pixels of the stored image; larger images are scaled down.
        thumbnail_side: longest side in pixels of the thumbnail.

    Returns a ``ProcessedImage`` whose files are JPEG bytes without EXIF metadata.

    Raises:
        ValidationError: with code ``file_too_large``, ``not_an_image``, ``unsupported_format``,
            ``too_many_pixels`` or ``corrupt_image`` and a message meant for the person uploading.
    """
    data = _read_within(uploaded, max_bytes=max_bytes)
    _probe(data, max_pixels=max_pixels)
    image = _flatten_to_rgb(_decode(data))
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    thumbnail = image.copy()
    thumbnail.thumbnail((thumbnail_side, thumbnail_side), Image.Resampling.LANCZOS)
    return ProcessedImage(
        image=ContentFile(_encode_jpeg(image, quality=85), name="image.jpg"),
        thumbnail=ContentFile(_encode_jpeg(thumbnail, quality=80), name="thumb.jpg"),
        width=image.width,
        height=image.height,
    )


def placeholder_image(*, text: str, seed: int, size: tuple[int, int] = (800, 600)) -> io.BytesIO:
    """Return PNG bytes of a plain coloured placeholder with *text* (used for demo and imported ads).

    The colour is chosen from *seed* so the same ad always gets the same placeholder.
    """
    from PIL import ImageDraw, ImageFont

    palette = [(59, 130, 246), (16, 185, 129), (245, 158, 11), (239, 68, 68), (139, 92, 246), (20, 184, 166)]
    colour = palette[seed % len(palette)]
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    label = (text or "?")[:28]
    for font_size in (56, 48, 40, 32, 26, 20):
        font = ImageFont.load_default(size=font_size)
        box = draw.textbbox((0, 0), label, font=font)
        if box[2] - box[0] <= size[0] * 0.9:
            break
    position = ((size[0] - (box[2] - box[0])) / 2, (size[1] - (box[3] - box[1])) / 2)
    draw.text(position, label, fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def placeholder_photo(*, text: str, seed: int) -> ProcessedImage:
    """Return a generated placeholder ad photo, processed like an upload (used by demo data and imports)."""
    data = placeholder_image(text=text, seed=seed)
    return process_uploaded_image(data, max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)


def _read_within(uploaded, *, max_bytes: int) -> bytes:
    """Return *uploaded*'s bytes; ValidationError ``file_too_large`` over *max_bytes* (checked first)."""
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, io.SEEK_END)
        size = uploaded.tell()
    if size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": max_bytes // (1024 * 1024)},
            code=ERROR_TOO_LARGE,
        )
    uploaded.seek(0)
    return uploaded.read()


def _probe(data: bytes, *, max_pixels: int) -> None:
    """Check the header of the image in *data* before any pixel is decoded: an image at all
    (``not_an_image``), in ACCEPTED_FORMATS (``unsupported_format``), within *max_pixels*
    (``too_many_pixels``). Raises ValidationError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            image_format = probe.format
            width, height = probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses headers far beyond its own limit before reading any pixel.
        raise ValidationError(
            _("The image has too many pixels; the limit is %(mp)s megapixels.")
            % {"mp": max_pixels // 1_000_000},
            code=ERROR_TOO_MANY_PIXELS,
        ) from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG or WebP photo."),
            code=ERROR_NOT_AN_IMAGE,
        ) from None
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("Only JPEG, PNG and WebP images are accepted (this file is %(format)s).")
            % {"format": image_format or _("unknown")},
            code=ERROR_FORMAT,
        )
    if width * height > max_pixels:
        raise ValidationError(
            _("The image is %(w)s×%(h)s pixels; the limit is %(mp)s megapixels.")
            % {"w": width, "h": height, "mp": max_pixels // 1_000_000},
            code=ERROR_TOO_MANY_PIXELS,
        )


def _decode(data: bytes) -> Image.Image:
    """Decode every byte of the (probed) image in *data*, turned upright by its EXIF orientation;
    ValidationError ``corrupt_image`` for a damaged or truncated file."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()  # decodes every byte: a truncated file fails here
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image file is damaged or incomplete. Try another photo."), code=ERROR_CORRUPT
        ) from None


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """Return *image* in RGB, transparency flattened onto white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image
