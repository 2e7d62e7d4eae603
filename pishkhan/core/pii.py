"""Personal numbers people type into free text, found and masked before the text is published.

``find_pii(text)`` finds Iranian mobiles (09…, +989…, 00989…, 989…, 9…), national ids (ten
digits with a valid check digit) and bank card numbers (sixteen digits passing Luhn), in Latin,
Persian (۰-۹) and Arabic-Indic (٠-٩) digits, whole or split into groups by spaces, dashes or
dots. ``mask_pii(text)`` replaces every digit of each find with ``*`` and leaves the rest of
the text (and its length) as typed.

What is not masked: numbers glued to letters (tracking codes such as ``7K3M9QZ2``), dates and
times (``1403/05/12``, ``۱۴۰۳-۰۵-۱۲``, ``10:30``), amounts written with thousands separators or
followed by a currency word, and digit runs of other lengths. A ten-digit number is a national
id only if its check digit is valid and it is not a round amount (five trailing zeros).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
    }
)
# A run of digit groups joined by one separator (space, no-break space, ZWNJ, dash), optionally
# after a "+"; not glued to a Latin letter (tracking codes), a digit, or a number's own
# punctuation (/ for dates, , ٬ ٫ for amounts, a leading . for decimals) on either side.
_SEP = r"[ \u00a0\u200c\-]"
_EDGE = r"A-Za-z0-9_/,٫٬"
_RUN = re.compile(r"(?<![" + _EDGE + r"+.])(\+?[0-9]+(?:" + _SEP + r"[0-9]+)*)(?![" + _EDGE + r"])")
_GROUP = re.compile(r"[0-9]+")
_CURRENCY = re.compile(r"^\s*(ریال|تومان|تومن|rial|toman|irr|irt)", re.IGNORECASE)  # data:
_MAX_DIGITS = 16


@dataclass(frozen=True)
class PiiMatch:
    kind: str  # "mobile" | "national_id" | "card"
    start: int
    end: int
    text: str


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def is_national_id(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = int(digits[9])
    return check == total if total < 2 else check == 11 - total


def _mobile(digits: str, plus: bool, whole: bool) -> bool:
    """+98 9xx…, 0098 9xx…, 98 9xx…, 09xx…, or a bare 9xx… standing alone (a whole run, not
    a round amount): a bare ten digits inside a longer run is too often a piece of something
    else."""
    prefixes = ("98",) if plus else ("0098", "98", "0", "") if whole else ("0098", "98", "0")
    for prefix in prefixes:
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            rest = digits[len(prefix) :]
            return rest.startswith("9") and not (prefix == "" and rest.endswith("00000"))
    return False


def _kind(digits: str, groups: list[str], plus: bool, after: str, whole: bool) -> str | None:
    if not plus and _CURRENCY.match(after):
        return None  # an amount: «۹۵۰۰۰۰۰۰۰۰ ریال»
    if _mobile(digits, plus, whole):
        return "mobile"
    if plus:
        return None
    if len(digits) == 16 and (len(groups) == 1 or all(len(g) == 4 for g in groups)):
        return "card" if _luhn(digits) else None
    if len(digits) == 10 and (len(groups) == 1 or [len(g) for g in groups] == [3, 6, 1]):
        if is_national_id(digits) and not digits.endswith("00000"):
            return "national_id"
    return None


def find_pii(text: str) -> list[PiiMatch]:
    """Every mobile, national id and card number in ``text`` (positions in ``text``)."""
    if not text:
        return []
    latin = text.translate(_DIGITS)  # one character for one: positions stay valid
    found: list[PiiMatch] = []
    for run in _RUN.finditer(latin):
        plus = run.group(1).startswith("+")
        base = run.start(1) + (1 if plus else 0)
        groups = list(_GROUP.finditer(latin, base, run.end(1)))
        i = 0
        while i < len(groups):
            # the longest stretch of groups starting at i that is one personal number
            best: tuple[int, str] | None = None
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j].group()
                if len(digits) > _MAX_DIGITS:
                    break
                parts = [g.group() for g in groups[i : j + 1]]
                after = latin[groups[j].end() :]
                if j + 1 < len(groups):
                    after = ""  # more digits follow: not a currency context
                whole = i == 0 and j == len(groups) - 1
                kind = _kind(digits, parts, plus and i == 0, after, whole)
                if kind:
                    best = (j, kind)
            if best is None:
                i += 1
                continue
            j, kind = best
            start = groups[i].start() - (1 if plus and i == 0 else 0)
            end = groups[j].end()
            found.append(PiiMatch(kind=kind, start=start, end=end, text=text[start:end]))
            i = j + 1
    return found


def mask_pii(text: str) -> str:
    """``text`` with the digits of every personal number replaced by ``*``."""
    matches = find_pii(text)
    if not matches:
        return text
    out: list[str] = []
    last = 0
    for m in matches:
        out.append(text[last : m.start])
        out.append(re.sub(r"[0-9۰-۹٠-٩]", "*", m.text))
        last = m.end
    out.append(text[last:])
    return "".join(out)
