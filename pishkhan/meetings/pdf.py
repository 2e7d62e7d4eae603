"""Persian PDFs (WeasyPrint + Vazirmatn) and the municipality's PAdES seal (pyHanko)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from pishkhan.accounts.models import Municipality
from pishkhan.meetings.models import Meeting

logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its INFO progress lines flood the logs
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = (
    Path(settings.BASE_DIR) / "pishkhan" / "static" / "vendor" / "vazirmatn" / "fonts" / "webfonts"
)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    # Official documents stay Persian whatever the language of the page that asked for them.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, {**context, "font_dir": FONT_DIR.as_uri()})
    return bytes(HTML(string=html, base_url=str(FONT_DIR)).write_pdf())


def qr_data_uri(text: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def public_url(municipality: Municipality, path: str) -> str:
    return municipality.site_url(path)


# ---------------------------------------------------------------- certificates


def _keys_dir(municipality: Municipality) -> Path:
    path = Path(settings.KEYS_DIR) / municipality.slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def seal_credentials(municipality: Municipality) -> tuple[Path, Path, Path]:
    """(key.pem, cert.pem, ca.pem) of the municipality's seal; made on first use: a self-signed
    root and a document-signing certificate issued by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = _keys_dir(municipality)
    key_path, cert_path, ca_path = (
        folder / "seal-key.pem",
        folder / "seal-cert.pem",
        folder / "ca-cert.pem",
    )
    if key_path.exists() and cert_path.exists() and ca_path.exists():
        return key_path, cert_path, ca_path
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, municipality.name),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"{municipality.name_en or municipality.slug} Pishkhan Root CA"
            ),
        ]
    )
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, municipality.name),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"{municipality.name_en or municipality.slug} Pishkhan Seal"
            ),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path, ca_path


def seal_pdf(municipality: Municipality, pdf: bytes, *, reason: str) -> bytes:
    """PAdES B-B signature with the municipality's seal."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key_path, cert_path, ca_path = seal_credentials(municipality)
    signer = signers.SimpleSigner.load(
        str(key_path), str(cert_path), ca_chain_files=(str(ca_path),)
    )
    if signer is None:
        raise RuntimeError("seal key could not be loaded")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="PishkhanSeal",
        reason=reason,
        location=municipality.name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def validate_sealed(municipality: Municipality, pdf: bytes) -> bool:
    """Offline validation against the municipality's own root (allow_fetching=False)."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, _, ca_path = seal_credentials(municipality)
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(ca_path))], allow_fetching=False
    )
    reader = PdfFileReader(io.BytesIO(pdf))
    if not reader.embedded_signatures:
        return False
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    return bool(status.bottom_line)


# ---------------------------------------------------------------- documents


def agenda_pdf(meeting: Meeting) -> bytes:
    from pishkhan.meetings.selectors import agenda_items, related_decisions_for

    items = agenda_items(meeting)
    related = related_decisions_for(items)
    rows = [(item, related.get(item.pk, [])) for item in items]
    return render_pdf("meetings/pdf/agenda.html", {"meeting": meeting, "rows": rows})


def minutes_pdf(meeting: Meeting) -> bytes:
    from pishkhan.meetings.selectors import minutes_context

    context = minutes_context(meeting)
    url = public_url(meeting.municipality, f"/decisions/verify/?meeting={meeting.number}")
    context.update(verify_url=url, qr=qr_data_uri(url))
    return render_pdf("meetings/pdf/minutes.html", context)


def minutes_seal(meeting: Meeting) -> None:
    sealed = seal_pdf(
        meeting.municipality,
        minutes_pdf(meeting),
        reason=f"صورتجلسهٔ پیشخوان خدمت {meeting.number}",  # record: the PDF seal's reason
    )
    meeting.minutes_pdf.save(
        f"minutes-{meeting.municipality.slug}-{meeting.number}.pdf", ContentFile(sealed), save=False
    )
    Meeting.objects.filter(pk=meeting.pk).update(minutes_pdf=meeting.minutes_pdf.name)


def minutes_seal_pending(meeting_id: int) -> None:
    """Seal a signed meeting's minutes if they are not yet: after the last signature's commit,
    or on the first request for them if that failed."""
    meeting = Meeting.objects.select_related("municipality").get(pk=meeting_id)
    if meeting.status == Meeting.Status.SIGNED and not meeting.minutes_pdf:
        minutes_seal(meeting)
