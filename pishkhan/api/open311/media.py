"""Download the photo behind an incoming ``media_url`` (only with settings.OPEN311_FETCH_MEDIA).

Only http(s) to public addresses (never the server's own network), no redirects, a few seconds,
at most UPLOAD_MAX_BYTES; the result then goes through cases.files.clean_upload like any upload.
Any failure means "no photo": the link is kept either way.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pishkhan.cases.files import clean_upload

logger = logging.getLogger("pishkhan")
TIMEOUT_S = 5


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect could lead to a private address


def _public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_global for a in addresses)


def media_fetch(url: str) -> SimpleUploadedFile | None:
    """The image at ``url`` as an upload, or None (not allowed, not reachable, too big)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if not _public_host(parts.hostname):
        logger.warning("open311: media_url host not public: %s", parts.hostname)
        return None
    limit = settings.UPLOAD_MAX_BYTES
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=TIMEOUT_S) as response:  # noqa: S310 — scheme checked
            if response.status != 200:
                return None
            content_type = response.headers.get_content_type()
            if not content_type.startswith("image/"):
                return None
            data = response.read(limit + 1)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        logger.warning("open311: media_url not fetched: %s", exc)
        return None
    if len(data) > limit or not data:
        return None
    name = parts.path.rsplit("/", 1)[-1][:100] or "media"
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    try:
        clean_upload(upload)  # not a real image: no photo, but the report stands
    except ValidationError:
        return None
    upload.seek(0)
    return upload
