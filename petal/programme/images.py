"""Checking and cleaning an image uploaded for newsletters.

An upload is trusted for nothing: its name and the type the browser claims are ignored. Pillow
reads it; only PNG, JPEG, GIF and WebP are accepted, at most 5 MB and 40 million pixels (a
small file can unpack to a huge picture). The picture is then drawn again into a new image,
turned the way the camera meant (EXIF orientation), made at most 2000 pixels on its longest
side and saved afresh: nothing from the original file leaves with it — no EXIF (a phone's
location, the camera's serial number), no comments, no colour profile, no hidden data. An
animated GIF keeps its first frame only (moving images distract and some readers find them
hard; WCAG 2.2.2).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from petal.core.errors import fail

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
# Pillow's format name → (content type, file extension).
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
EXTENSIONS = {content_type: ext for content_type, ext in FORMATS.values()}
NOT_AN_IMAGE = "The file must be a PNG, JPEG, GIF or WebP image"


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def extension_for(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "img")


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        fail("image", "The image must be smaller than 5 MB")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_BYTES:
        fail("image", "The image must be smaller than 5 MB")
    if not data:
        fail("image", "The selected file is empty")
    return data


def clean_image(upload) -> CleanImage:
    """Check an uploaded file (a Django UploadedFile, or bytes) and return it re-encoded,
    without metadata. Refuses anything else with a message for the ``image`` field."""
    data = _read(upload)
    with warnings.catch_warnings():
        # Pillow warns (and, past twice its limit, refuses) on very large pictures: ours is
        # stricter, so both are simply "too large".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                probe.verify()
            if kind not in FORMATS:
                fail("image", NOT_AN_IMAGE)
            if width * height > MAX_PIXELS:
                fail("image", "The image is too large: it must be at most 40 million pixels")
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                image.load()
                picture = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            fail("image", "The image is too large: it must be at most 40 million pixels")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            fail("image", NOT_AN_IMAGE)
    return _reencode(picture, kind)


def _reencode(picture: Image.Image, kind: str) -> CleanImage:
    has_alpha = picture.mode in {"RGBA", "LA", "PA"} or (
        picture.mode == "P" and "transparency" in picture.info
    )
    mode = "RGB" if kind == "JPEG" or not has_alpha else "RGBA"
    picture = picture.convert(mode)
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no info dictionary, so no EXIF, ICC profile, comments
    # or text chunks can be written out with it.
    fresh = Image.frombytes(mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    if kind == "JPEG":
        fresh.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        fresh.save(out, "PNG", optimize=True)
    elif kind == "WEBP":
        fresh.save(out, "WEBP", quality=85)
    else:
        fresh.save(out, "GIF")
    content_type, _ext = FORMATS[kind]
    return CleanImage(
        data=out.getvalue(),
        content_type=content_type,
        width=fresh.width,
        height=fresh.height,
    )
