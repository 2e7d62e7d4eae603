"""Iranian mobile numbers and national IDs."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pishkhan.core.text import to_ascii_digits

_MOBILE = re.compile(r"9[0-9]{9}")


def normalize_mobile(value: str) -> str:
    """Return the mobile in E.164 (+989xxxxxxxxx) or raise ValidationError (Persian)."""
    raw = re.sub(r"[\s\-()]", "", to_ascii_digits(value or ""))
    for prefix in ("+98", "0098", "98", "0"):
        if raw.startswith(prefix) and len(raw) - len(prefix) == 10:
            raw = raw[len(prefix) :]
            break
    if not _MOBILE.fullmatch(raw):
        raise ValidationError(
            _("شمارهٔ همراه معتبر نیست؛ مانند ۰۹۱۲۱۲۳۴۵۶۷ وارد کنید."), code="mobile"
        )
    return "+98" + raw


def is_valid_national_id(value: str) -> bool:
    code = to_ascii_digits(value or "").strip()
    if not re.fullmatch(r"[0-9]{10}", code) or len(set(code)) == 1:
        return False
    total = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    check = int(code[9])
    return check == total if total < 2 else check == 11 - total


def normalize_national_id(value: str) -> str:
    code = to_ascii_digits(value or "").strip().replace("-", "")
    if not code:
        return ""
    if not is_valid_national_id(code):
        raise ValidationError(_("کد ملی معتبر نیست (رقم کنترل نادرست است)."), code="national_id")
    return code


def validate_mobile(value: str) -> None:
    normalize_mobile(value)


def validate_national_id(value: str) -> None:
    if value:
        normalize_national_id(value)


def mask_mobile(value: str) -> str:
    if not value:
        return ""
    local = "0" + value[3:] if value.startswith("+98") else value
    return local[:4] + "***" + local[-4:]


def mask_national_id(value: str) -> str:
    return value[:3] + "****" + value[-3:] if value else ""
