"""Checks and re-encodes uploaded images (logos and case-study pictures).

The bytes are decoded with Pillow whatever the file name or declared type says, so a text file
called logo.png is refused. Accepted images are re-encoded from their pixels (dropping metadata
and anything hidden after the image data), turned upright, and shrunk to fit a box. Pictures
with transparency become PNG, the rest JPEG.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from tradehub.errors import ValidationFailed

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
ALLOWED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
# Bounds read from the header, before a single pixel is decoded (issue #13, H2): a tiny file
# can describe a huge or absurdly shaped image whose decoding costs seconds of CPU and a
# gigabyte of memory. Decoding memory is at most pixels x 4 bytes, time grows with pixels.
MAX_SIDE = 8000
MAX_ASPECT_RATIO = 20
MAX_PIXELS = 16_000_000  # a 16-megapixel photo (4900 x 3265): about 64 MB decoded
MAX_LOGO_PIXELS = 4_000_000  # a logo is shown at most 400 x 400
LOGO_BOX = (400, 400)
CASE_STUDY_BOX = (1600, 1200)


@dataclass(frozen=True)
class ProcessedImage:
    """A safe, re-encoded image ready to store."""

    data: bytes
    content_type: str
    width: int
    height: int


def _read(upload, field: str) -> bytes:
    """Read at most one byte over the limit, so a huge upload is not held in memory."""
    stream = getattr(upload, "stream", upload)
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise ValidationFailed("The selected file is empty", field)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("The selected file must be smaller than 2MB", field)
    return data


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getchannel("A").getextrema()[0] < 255
    return image.mode == "P" and "transparency" in image.info


def _check_dimensions(width: int, height: int, field: str, box: tuple[int, int]) -> None:
    """Refuse by the header's size alone: too wide or high, too thin, or too many pixels."""
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationFailed(
            f"The selected image must be at most {MAX_SIDE} pixels wide and {MAX_SIDE} pixels high",
            field,
        )
    if width < 1 or height < 1 or max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ValidationFailed(
            f"The selected image must not be more than {MAX_ASPECT_RATIO} times as wide as it "
            "is high, or as high as it is wide",
            field,
        )
    if width * height > MAX_PIXELS:
        raise ValidationFailed("The selected image has too many pixels", field)
    if box == LOGO_BOX and width * height > MAX_LOGO_PIXELS:
        raise ValidationFailed(
            f"The selected logo must be at most {MAX_LOGO_PIXELS // 1_000_000} million pixels, "
            "for example 2000 by 2000",
            field,
        )


UNCONFIRMED = "Confirm your email address before you upload images: use the link we emailed you"


def process_image(upload, field: str, box: tuple[int, int]) -> ProcessedImage:
    """Validate an uploaded file and return it re-encoded to fit `box`.

    Raises ValidationFailed (naming `field`) for anything that is not a PNG, JPEG or WebP image
    of at most 2 MB, whatever its name or declared content type.
    """
    data = _read(upload, field)
    not_image = "The selected file must be a PNG, JPEG or WebP image"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise ValidationFailed(not_image, field)
                _check_dimensions(probe.width, probe.height, field, box)
                probe.verify()  # checks structure (PNG CRCs ...) without decoding pixels
            # verify() leaves the image unusable, so decode a fresh copy.
            with Image.open(io.BytesIO(data)) as image:
                # JPEG decodes straight to a smaller scale (1/2 .. 1/8) when that still covers
                # the box either way round (EXIF may turn it), which saves most of the work.
                side = max(box)
                image.draft(None, (side, side))
                image.load()
                image = ImageOps.exif_transpose(image)
                transparent = _has_transparency(image)
                image = image.convert("RGBA" if transparent else "RGB")
                # reducing_gap: a cheap integer reduce() first, then LANCZOS on the small image.
                image.thumbnail(box, Image.Resampling.LANCZOS, reducing_gap=3.0)
                out = io.BytesIO()
                if transparent:
                    image.save(out, "PNG", optimize=True)
                    content_type = "image/png"
                else:
                    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
                    content_type = "image/jpeg"
                width, height = image.size
    except ValidationFailed:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        # Not an image, a truncated or corrupt one, or one built to exhaust memory.
        raise ValidationFailed(not_image, field) from exc
    return ProcessedImage(out.getvalue(), content_type, width, height)
