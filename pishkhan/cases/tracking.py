"""Tracking codes: short, human-friendly, non-sequential, with a check character."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, U: easy to read aloud and type on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 7


def _check_char(body: str) -> str:
    """Weighted sum mod 29-char alphabet (Luhn mod N style): catches single typos and swaps."""
    n = len(ALPHABET)
    total = 0
    for i, ch in enumerate(reversed(body)):
        value = ALPHABET.index(ch)
        weight = 2 if i % 2 == 0 else 1
        product = value * weight
        total += product // n + product % n
    return ALPHABET[(n - total % n) % n]


def tracking_code_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_char(body)


def tracking_code_normalize(value: str) -> str:
    from pishkhan.core.text import to_ascii_digits

    return to_ascii_digits(value or "").strip().upper().replace("-", "").replace(" ", "")


def tracking_code_is_valid(value: str) -> bool:
    code = tracking_code_normalize(value)
    if len(code) != BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in code):
        return False
    return _check_char(code[:-1]) == code[-1]
