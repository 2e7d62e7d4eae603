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

# Control characters: never part of what a person typed. Line and page breaks of other systems
# become a newline or a space; the rest (C0 but tab/newline, DEL, C1, lone surrogates,
# non-characters) are dropped. After this the text is legal in XML 1.0 and prints everywhere.
_BREAKS = str.maketrans(
    {"\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\x0b": " ", "\x0c": " "}
)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# What XML 1.0 cannot carry at all (its Char production), for writers of XML.
_XML_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def strip_controls(value: str) -> str:
    """``value`` without control characters (CR LF → LF, other breaks → LF or space)."""
    if not value:
        return ""
    return _CONTROLS.sub("", value.replace("\r\n", "\n").translate(_BREAKS))


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (a writer's last line of defence)."""
    return _XML_ILLEGAL.sub("", value) if value else value


def to_ascii_digits(value: str) -> str:
    return value.translate(_CHAR_MAP) if value else value


def clean_input(value: str) -> str:
    """What we store for display: typed text with Arabic letters and control characters fixed.

    Every input boundary (web forms, REST, Open311, imports, SMS) passes text through here.

    Keeps ZWNJ (it is part of correct Persian spelling) but unifies letters and digits
    are left as typed, so the citizen sees their own words back.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFC", strip_controls(value))
    value = value.translate(_LETTERS)
    value = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", value)
    value = value.strip()
    return value if has_visible_text(value) else ""


def has_visible_text(value: str) -> bool:
    """Whether ``value`` shows anything: a letter, digit, punctuation or symbol. A "name" of
    only zero-width joiners, zero-width spaces, soft hyphens or combining marks shows nothing."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in value)


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


LRI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


def ltr_isolate(value: object) -> str:
    """A code, reference number or URL inside plain Persian text (SMS, e-mail, stored agenda
    text, PDF): isolated left-to-right so «1405-37-35-1» is not drawn «1-35-37-1405»."""
    text = str(value)
    return f"{LRI}{text}{PDI}" if text else ""


def fa_number(value: int | float | str, *, lang: str = "fa") -> str:
    """A number a person reads: thousands separated; in Persian with Persian digits and the
    Persian separator (٬)."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.1f}".removesuffix(".0")
    else:
        text = str(value)
    if lang != "fa":
        return text
    return fa_digits(text).replace(",", "٬").replace(".", "٫")


def local_number(value: int | float | str) -> str:
    """``fa_number`` in the language of the current page (Persian digits on Persian pages)."""
    from django.utils import translation

    lang = "fa" if (translation.get_language() or "fa").startswith("fa") else "en"
    return fa_number(value, lang=lang)
