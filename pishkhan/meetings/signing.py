"""Members' Ed25519 keys and the canonical minutes (see docs/SIGNING.md).

The private key is encrypted with AES-256-GCM under a key derived by scrypt from the member's
password: the server never holds a usable private key at rest, and signing needs the password.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pishkhan.meetings.models import Meeting

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SIGN_CONTEXT = b"pishkhan-minutes-v1:"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


def _kdf(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode())


def key_generate(password: str, *, member_id: int) -> tuple[str, str]:
    """A new key pair: (public key b64, encrypted private key as JSON)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    salt = os.urandom(16)
    nonce = os.urandom(12)
    aad = f"member:{member_id}".encode()
    ct = AESGCM(_kdf(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, raw, aad)
    blob = {
        "v": 1,
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "aead": "AES-256-GCM",
        "ct": _b64(ct),
    }
    return _b64(public), json.dumps(blob, sort_keys=True)


def key_unlock(encrypted: str, password: str, *, member_id: int) -> Ed25519PrivateKey | None:
    """The private key, or None when the password does not open it."""
    blob = json.loads(encrypted)
    key = _kdf(password, _unb64(blob["salt"]), blob["n"], blob["r"], blob["p"])
    try:
        raw = AESGCM(key).decrypt(
            _unb64(blob["nonce"]), _unb64(blob["ct"]), f"member:{member_id}".encode()
        )
    except InvalidTag:
        return None
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign_hash(private: Ed25519PrivateKey, content_hash: str) -> str:
    return _b64(private.sign(SIGN_CONTEXT + content_hash.encode()))


def verify_hash(public_key_b64: str, signature_b64: str, content_hash: str) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(_unb64(public_key_b64))
        public.verify(_unb64(signature_b64), SIGN_CONTEXT + content_hash.encode())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def minutes_content(meeting: Meeting) -> dict[str, Any]:
    """The canonical content of the minutes: what the members sign."""
    attendance = []
    rows = sorted(
        meeting.attendance.select_related("member"),
        key=lambda a: (a.member_id or 0, a.guest_name, a.pk),
    )
    for a in rows:
        entry: dict[str, Any] = {
            "member": a.member_id,
            "name": a.member.full_name if a.member else a.guest_name,
            "present": a.present,
        }
        # Keys added for the wider roll (titles, members without a vote) appear only when set:
        # minutes signed before them keep their hash.
        if a.title:
            entry["title"] = a.title
        if not a.votes:
            entry["votes"] = False
        attendance.append(entry)
    items = []
    for item in (
        meeting.items.select_related(
            "decision", "decision__lead_department", "decision__corrects", "district", "service"
        )
        .prefetch_related("cases", "decision__supporting_departments", "decision__positions")
        .order_by("number")
    ):
        decision: dict[str, Any] | None = None
        d = getattr(item, "decision", None)
        if d is not None:
            decision = {
                "number": d.number,
                "outcome": d.outcome,
                "text": d.text,
                "lead": d.lead_department.code if d.lead_department else None,
                "supporting": sorted(x.code for x in d.supporting_departments.all()),
                "deadline": d.deadline.isoformat() if d.deadline else None,
                "refer_until": d.refer_until.isoformat() if d.refer_until else None,
                "cost_note": d.cost_note,
                "positions": sorted((_position(p) for p in d.positions.all()), key=lambda x: x[0]),
            }
            # Added with corrections: only when set, so minutes signed before keep their hash.
            if d.corrects_id:
                decision["corrects"] = d.corrects.number if d.corrects else None
        items.append(
            {
                "number": item.number,
                "kind": item.kind,
                "title": item.title,
                "cases": sorted(c.tracking_code for c in item.cases.all()),
                "source_directive": item.source_directive_id,
                "decision": decision,
            }
        )
    return {
        "format": "pishkhan-minutes-1",
        "municipality": meeting.municipality.slug,
        "meeting": meeting.number,
        "week_start": meeting.week_start.isoformat(),
        "attendance": attendance,
        "items": items,
    }


def _position(p: Any) -> list[Any]:
    """[member, stance] — with the note and "proxy" (entered by the secretary) when present."""
    if not p.note and not p.by_proxy:
        return [p.member_id, p.stance]
    return [p.member_id, p.stance, p.note, "proxy" if p.by_proxy else ""]


def canonical_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash_of(meeting: Meeting) -> str:
    return hashlib.sha256(canonical_bytes(minutes_content(meeting))).hexdigest()


def chain_hash_of(
    prev_hash: str,
    content_hash: str,
    signatures: list[tuple[int, str, str]],
    declines: list[tuple[int, str]] = (),  # type: ignore[assignment]
) -> str:
    """signatures: (member id, public key, signature) in signing order; declines: (member id,
    reason) of present members who would not sign (bound into the chain only when there are)."""
    payload = prev_hash + content_hash + "".join(f"|{m}:{k}:{s}" for m, k, s in signatures)
    payload += "".join(
        f"|x{m}:{hashlib.sha256(r.encode()).hexdigest()}" for m, r in sorted(declines)
    )
    return hashlib.sha256(payload.encode()).hexdigest()
