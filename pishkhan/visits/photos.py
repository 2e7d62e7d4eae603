"""Visit photos: checked by content (Pillow), re-encoded to JPEG without EXIF, size-limited."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from pishkhan.core.errors import ApplicationError
from pishkhan.core.text import local_number

MAX_SIDE = 2048


def photo_clean(upload: UploadedFile) -> ContentFile[bytes]:
    """A fresh JPEG of the uploaded image (orientation applied, metadata dropped)."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            _("عکس «%(name)s» بزرگ‌تر از %(mb)s مگابایت است.")
            % {"name": upload.name, "mb": local_number(limit // (1024 * 1024))}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            img: Image.Image = ImageOps.exif_transpose(opened) or opened
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ApplicationError(_("«%(name)s» یک عکس معتبر نیست.") % {"name": upload.name}) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
