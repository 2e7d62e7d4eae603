"""Uploaded files are checked by content, not by name; images are re-encoded without metadata;
PDFs with active content (scripts, launch actions, embedded files, XFA forms) or encryption
(which hides their content from the check) are refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from pishkhan.core.text import local_number

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_PIXELS = 40_000_000

# PDF names that run code, start programs, carry files or fetch/submit data when a staff
# member opens the document. A plain scan or a printed-to-PDF letter has none of them.
PDF_ACTIVE_NAMES = frozenset(
    b"JavaScript JS Launch EmbeddedFile EmbeddedFiles RichMedia XFA SubmitForm ImportData"
    b" Encrypt".split()
)
_PDF_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
PDF_MAX_INFLATED = 50 * 1024 * 1024  # a stream that inflates past this is refused (a bomb)


class _TooBig(Exception):
    pass


def _pdf_names(chunk: bytes) -> set[bytes]:
    """Every /Name in ``chunk``, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {
        _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1))
        for m in _PDF_NAME.finditer(chunk)
    }


def _pdf_inflated_streams(data: bytes) -> list[bytes]:
    """The decompressed content of every Flate stream (object streams hide objects there)."""
    out: list[bytes] = []
    budget = PDF_MAX_INFLATED
    for m in _PDF_STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            break
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(data[m.end() : end], budget + 1)
        except zlib.error:
            continue  # not Flate (an image's DCT data, say): nothing to read there
        budget -= len(inflated)
        if budget < 0:
            raise _TooBig
        out.append(inflated)
    return out


def pdf_active_content(data: bytes) -> set[str]:
    """The active-content names found in a PDF, in its objects and in its compressed streams."""
    names = _pdf_names(data)
    for inflated in _pdf_inflated_streams(data):
        names |= _pdf_names(inflated)
    return {n.decode() for n in names & PDF_ACTIVE_NAMES}


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
            _("حجم پرونده «%(name)s» بیش از حد مجاز (%(mb)s مگابایت) است.")
            % {"name": original, "mb": local_number(limit // (1024 * 1024))},
            code="too_big",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("حجم پرونده «%(name)s» بیش از حد مجاز است.") % {"name": original}, code="too_big"
        )
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(
                _("پروندهٔ PDF «%(name)s» ناقص یا خراب است.") % {"name": original},
                code="bad_pdf",
            )
        try:
            active = pdf_active_content(data)
        except _TooBig:
            active = {"bomb"}
        if active:
            raise ValidationError(
                _(
                    "پروندهٔ PDF «%(name)s» محتوای فعال (اسکریپت، پیوست یا رمزگذاری) دارد و "
                    "پذیرفته نمی‌شود؛ آن را دوباره به PDF چاپ کنید یا از آن عکس بفرستید."
                )
                % {"name": original},
                code="pdf_active",
            )
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
            _("پرونده «%(name)s» تصویر یا PDF معتبر نیست؛ فقط عکس (JPEG/PNG/WebP) یا PDF بفرستید.")
            % {"name": original},
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


# ---------------------------------------------------------------- pending uploads
# A form shown again after an error (a missing field, a district that could not be found) keeps
# the files the citizen or the operator already chose: each good file is cleaned, stored under
# pending/ and named in the page by a signed token; the next submit reads it back.

PENDING_DIR = "pending"
PENDING_SALT = "pishkhan.cases.pending"
PENDING_MAX_AGE = dt.timedelta(days=1)


@dataclass
class PendingFile:
    token: str
    original_name: str
    content_type: str
    size: int


def pending_keep(upload: UploadedFile) -> PendingFile:
    """Store a cleaned copy of ``upload``; raises ValidationError (Persian) for a bad file."""
    upload.seek(0)  # the failed submit may have read it already
    clean = clean_upload(upload)
    ext = "pdf" if clean.content_type == "application/pdf" else "jpg"
    name = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}.{ext}", clean.content)
    payload = {"p": name, "n": clean.original_name, "t": clean.content_type, "s": clean.size}
    _pending_purge()
    return PendingFile(
        signing.dumps(payload, salt=PENDING_SALT),
        clean.original_name,
        clean.content_type,
        clean.size,
    )


def pending_read(token: str) -> PendingFile | None:
    """The kept file a token names, or None (forged, expired or already purged)."""
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    if not str(data.get("p", "")).startswith(f"{PENDING_DIR}/") or not default_storage.exists(
        data["p"]
    ):
        return None
    return PendingFile(token, str(data["n"]), str(data["t"]), int(data["s"]))


def pending_load(token: str) -> UploadedFile | None:
    """The kept file as an upload for ``case_submit`` (which checks it again)."""
    kept = pending_read(token)
    if kept is None:
        return None
    data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    with default_storage.open(data["p"], "rb") as fh:
        content = fh.read()
    return SimpleUploadedFile(kept.original_name, content, content_type=kept.content_type)


def _pending_purge() -> None:
    """Kept files older than a day are deleted (a form is not left open that long)."""
    try:
        _dirs, names = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
