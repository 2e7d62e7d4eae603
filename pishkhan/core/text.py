"""Persian text normalisation, applied once at the input boundary and before search."""

from __future__ import annotations

import re
import unicodedata

_CHAR_MAP = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ۀ": "ه",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    }
)
_LETTERS = str.maketrans("يىك", "ییک")
_HARAKAT = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ZW = re.compile("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def to_ascii_digits(value: str) -> str:
    return value.translate(_CHAR_MAP) if value else value


def clean_input(value: str) -> str:
    """What we store for display: typed text with Arabic letters and stray controls fixed.

    Keeps ZWNJ (it is part of correct Persian spelling) but unifies letters and digits
    are left as typed, so the citizen sees their own words back.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = value.translate(_LETTERS)
    value = value.replace("\x00", "")
    value = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", value)
    return value.strip()


def normalize_fa(value: str) -> str:
    """The search/compare key: letters unified, digits ASCII, no harakat/tatweel/ZWNJ."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = value.translate(_CHAR_MAP)
    value = _HARAKAT.sub("", value).replace(_TATWEEL, "")
    value = _ZW.sub(" ", value)
    value = _PUNCT.sub(" ", value)
    value = _SPACES.sub(" ", value)
    return value.strip().lower()


def fa_digits(value: object) -> str:
    return str(value).translate(FA_DIGITS)


def tokens(value: str) -> set[str]:
    return {t for t in normalize_fa(value).split(" ") if len(t) > 1}
