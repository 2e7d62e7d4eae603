"""Uploaded files are checked by content, not by name; images are re-encoded without metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_PIXELS = 40_000_000


@dataclass
class CleanFile:
    content: ContentFile
    name: str
    content_type: str
    size: int
    original_name: str


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Return a safe copy of ``upload`` or raise ValidationError (Persian)."""
    limit = settings.UPLOAD_MAX_BYTES
    original = (upload.name or "file")[:200]
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"حجم پرونده «{original}» بیش از حد مجاز ({limit // (1024 * 1024)} مگابایت) است.",
            code="too_big",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"حجم پرونده «{original}» بیش از حد مجاز است.", code="too_big")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(f"پروندهٔ PDF «{original}» ناقص یا خراب است.", code="bad_pdf")
        return CleanFile(ContentFile(data), "document.pdf", "application/pdf", len(data), original)
    try:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_IMAGE_FORMATS:
            raise UnidentifiedImageError(image.format)
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(
            f"پرونده «{original}» تصویر یا PDF معتبر نیست؛ فقط عکس (JPEG/PNG/WebP) یا PDF بفرستید.",
            code="bad_type",
        ) from None
    # Re-encode: drops EXIF (GPS, camera) and anything hidden after the image data.
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((2560, 2560))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    clean = out.getvalue()
    return CleanFile(ContentFile(clean), "photo.jpg", "image/jpeg", len(clean), original)
