"""Duplicates without a point: Persian addresses and descriptions compared after folding.

Phone, walk-in and letter cases rarely have a map point, and the same place is written many
ways: «خ. ولیعصر، ک. لاله» and «خیابان ولی عصر کوچه لاله», «بلوار شهید بهشتی» and «بل بهشتی».
``address_segments`` reads an address into its thoroughfares (type + name, the name's spaces and
half-spaces folded, honorifics dropped); ``street_key`` is the first of them, stored on the case
and indexed, so candidates are found by one equality per case. ``text_similarity`` compares
descriptions by character trigrams of their folded words, which survives typos and word order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pishkhan.core.text import normalize_fa

# Abbreviations as typed after punctuation is removed («خ.» → «خ»).
ABBREVIATIONS = {
    "خ": "خیابان",
    "خیا": "خیابان",
    "ک": "کوچه",
    "کو": "کوچه",
    "بل": "بلوار",
    "بلو": "بلوار",
    "م": "میدان",
    "مید": "میدان",
    "پ": "پلاک",
    "ش": "شهید",
    "چ": "چهارراه",
    "بزرگ": "بزرگراه",
    "اتوبان": "بزرگراه",
    "فلکه": "میدان",
    "سهراه": "چهارراه",
}
# Words that start a thoroughfare; their name follows.
THOROUGHFARES = {
    "خیابان",
    "کوچه",
    "بلوار",
    "میدان",
    "بزرگراه",
    "جاده",
    "چهارراه",
    "کوی",
    "بنبست",
    "محله",
    "شهرک",
    "گذر",
}
# Words that end a name without starting a thoroughfare (plate, landmarks, prepositions).
BREAKS = {
    "پلاک",
    "نبش",
    "جنب",
    "روبروی",
    "روبهروی",
    "روبرو",
    "کنار",
    "بعد",
    "قبل",
    "از",
    "سر",
    "انتهای",
    "ابتدای",
    "داخل",
    "پشت",
    "حد",
    "فاصل",
    "واحد",
    "طبقه",
    "در",
    "به",
    "و",
    "تا",
}
HONORIFICS = {"شهید", "امام", "آیت", "الله", "آیتالله", "حضرت", "دکتر", "سردار"}
# Generic words of problem descriptions that say nothing about which problem it is.
STOPWORDS = {
    "است",
    "شده",
    "کرده",
    "می",
    "را",
    "که",
    "این",
    "آن",
    "با",
    "از",
    "به",
    "در",
    "و",
    "یک",
    "هم",
    "شد",
    "بود",
    "دارد",
    "های",
    "ها",
    "تا",
    "برای",
    "لطفا",
    "خیلی",
    "ما",
    "جلوی",
    "کنار",
    "روی",
    "هست",
    "نیست",
    "شود",
    "کنید",
}


def fold(text: str) -> list[str]:
    """Normalised words: Arabic letters folded, half-spaces split, abbreviations expanded."""
    words = normalize_fa(text).split()
    return [ABBREVIATIONS.get(w, w) for w in words]


def _join(words: list[str]) -> str:
    # «بن بست» / «بن‌بست» / «بنبست», «روبه رو» → one form.
    return "".join(words)


def address_segments(address: str) -> list[str]:
    """The thoroughfares an address names, in order: ``["خیابان:ولیعصر", "کوچه:لاله"]``."""
    return list(_segments(address))


@lru_cache(maxsize=8192)
def _segments(address: str) -> tuple[str, ...]:
    words = fold(address)
    # two-word type names written apart
    merged: list[str] = []
    for w in words:
        if merged and _join([merged[-1], w]) in THOROUGHFARES | BREAKS:
            merged[-1] = _join([merged[-1], w])
        else:
            merged.append(w)
    segments: list[str] = []
    kind = ""
    name: list[str] = []

    def close() -> None:
        if kind and name:
            segments.append(f"{kind}:{_join(name)}")

    for w in merged:
        if w in THOROUGHFARES:
            close()
            kind, name = w, []
        elif w in BREAKS:
            close()
            kind, name = "", []
        elif kind and w not in HONORIFICS:
            name.append(w)
    close()
    if not segments:  # a bare name («ولیعصر ۱۲»): its first word stands for the street
        bare = [w for w in merged if w not in BREAKS and w not in HONORIFICS and not w.isdigit()]
        if bare:
            segments.append(f":{bare[0]}")
    return tuple(segments)


def street_key(address: str) -> str:
    """The indexed blocking key: the address's first thoroughfare, its type dropped (people
    write «بلوار» and «خیابان» for the same road). Empty when the address names none."""
    segments = address_segments(address)
    return segments[0].split(":", 1)[1][:80] if segments else ""


@lru_cache(maxsize=8192)
def _grams(text: str) -> frozenset[str]:
    grams: set[str] = set()
    for w in fold(text):
        if w in STOPWORDS or len(w) < 2:
            continue
        padded = f"#{w}#"
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the descriptions' character trigrams (0..1)."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


def address_similarity(a: str, b: str) -> float:
    """Share of thoroughfares in common, names compared without their type (0..1)."""
    sa = {s.split(":", 1)[1] for s in address_segments(a)}
    sb = {s.split(":", 1)[1] for s in address_segments(b)}
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


@dataclass(frozen=True)
class Thresholds:
    """Tuned on bench/dup_text.py's labelled pairs (docs/PERFORMANCE.md)."""

    same_street: float = 0.30  # description similarity when the first street is the same
    same_citizen: float = 0.40  # when the same mobile reported it (address may be missing)
    full_address: float = 0.15  # when both name the same street and lane


THRESHOLDS = Thresholds()


def likely_duplicate(
    *,
    address_a: str,
    address_b: str,
    text_a: str,
    text_b: str,
    same_citizen: bool = False,
    t: Thresholds = THRESHOLDS,
) -> bool:
    """Whether two open cases of the same service look like one problem (no map point needed).
    The cheap tests first: the scan compares each case with every open case of its street."""
    if same_citizen and text_similarity(text_a, text_b) >= t.same_citizen:
        return True
    key_a, key_b = street_key(address_a), street_key(address_b)
    if not key_a or key_a != key_b:
        return False
    lanes_a = {x.split(":", 1)[1] for x in _segments(address_a)[1:]}
    lanes_b = {x.split(":", 1)[1] for x in _segments(address_b)[1:]}
    if lanes_a and lanes_b and not lanes_a & lanes_b:
        return False  # same street, another lane: another place
    text = text_similarity(text_a, text_b)
    if lanes_a & lanes_b and text >= t.full_address:
        return True
    return text >= t.same_street
