"""Uploaded PDFs kept their JavaScript (issue 13 item 7): a citizen's attachment that runs a
script, launches a program or carries a file when an operator opens it is refused, however
the name is spelled or wherever the object is hidden; plain PDFs still go through."""

from __future__ import annotations

import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from pishkhan.cases.files import clean_upload
from pishkhan.cases.models import Case
from pishkhan.cases.services import case_submit
from pishkhan.test import BaseTestCase


def pdf(*objects: bytes) -> bytes:
    """A small well-formed PDF: catalog, one page with text, plus ``objects`` (4, 5, …)."""
    text = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Chale dar kooche) Tj ET")
    body = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(text) + text + b"\nendstream",
        *objects,
    ]
    out = b"%PDF-1.7\n"
    for number, obj in enumerate(body, start=1):
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return out + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def with_catalog(entry: bytes, *objects: bytes) -> bytes:
    return pdf(*objects).replace(b"/Pages 2 0 R >>", b"/Pages 2 0 R " + entry + b" >>", 1)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("nameh.pdf", data, content_type="application/pdf")


def object_stream(inner: bytes) -> bytes:
    packed = zlib.compress(b"6 0 " + inner)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream"
    )


ACTIVE = {
    "open action script": with_catalog(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    "name spelled with #xx": with_catalog(b"/OpenAction << /S /J#61vaScript /J#53 (x) >>"),
    "page action": pdf().replace(
        b"/Contents 4 0 R", b"/Contents 4 0 R /AA << /O << /S /JavaScript /JS (x) >> >>"
    ),
    "script in an object stream": with_catalog(
        b"/OpenAction 6 0 R", object_stream(b"<< /S /JavaScript /JS (x) >>")
    ),
    "launch": with_catalog(b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    "embedded file": with_catalog(
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>", b"<< /Type /Filespec >>"
    ),
    "xfa form": with_catalog(b"/AcroForm << /XFA 5 0 R >>", b"<< >>"),
    "encrypted (unreadable to the check)": pdf().replace(
        b"trailer << /Root 1 0 R", b"trailer << /Root 1 0 R /Encrypt 5 0 R"
    ),
    "inflate bomb": pdf(
        b"<< /Filter /FlateDecode >>\nstream\n"
        + zlib.compress(b"\0" * (60 * 1024 * 1024))
        + b"\nendstream"
    ),
}


class PdfUploadTests(SimpleTestCase):
    def test_active_content_is_refused(self):
        for name, data in ACTIVE.items():
            with self.subTest(name), self.assertRaises(ValidationError) as caught:
                clean_upload(upload(data))
            self.assertEqual(caught.exception.code, "pdf_active")
            self.assertIn("محتوای فعال", caught.exception.messages[0])

    def test_plain_pdfs_pass(self):
        plain = [
            pdf(),
            with_catalog(b"/OpenAction [3 0 R /Fit]"),  # open at page 1: not a script
            pdf(b"<< /Title (JSON and JS-like words: /JSON /JSX) >>"),
        ]
        from weasyprint import HTML

        plain.append(HTML(string="<p dir='rtl'>نامهٔ شهروند</p>").write_pdf())
        for data in plain:
            with self.subTest(data=data[:40]):
                cleaned = clean_upload(upload(data))
                self.assertEqual(cleaned.content_type, "application/pdf")
                self.assertEqual(cleaned.size, len(data))


class SubmissionWithScriptedPdfTests(BaseTestCase):
    def test_citizen_submission_with_a_scripted_pdf_is_refused_whole(self):
        with self.assertRaises(ValidationError) as caught:
            case_submit(
                municipality=self.m,
                channel="web",
                citizen_name="مریم احمدی",
                citizen_mobile="09121234567",
                service=self.pothole,
                description="چاله بزرگ",
                district=self.d1,
                files=[upload(ACTIVE["open action script"])],
            )
        self.assertIn("files", caught.exception.message_dict)
        self.assertFalse(Case.objects.exists())
