"""The directive letter on paper: letterhead, reference block, signatory, seal, copies; numbers
and URLs read in the right order in the PDF's text; the page checked as an image."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from pishkhan.accounts.models import Municipality
from pishkhan.core.text import fa_digits
from pishkhan.directives import services
from pishkhan.directives.letters import letter_pdf
from pishkhan.directives.models import Directive
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.test import BaseTestCase, pdf_page_png, pdf_text


def png(color: tuple[int, int, int], *, circle: bool = False) -> SimpleUploadedFile:
    image = Image.new("RGBA", (200, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    if circle:
        draw.ellipse((10, 10, 190, 190), fill=(*color, 255))
    else:
        draw.rectangle((0, 0, 200, 200), fill=(*color, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")


def share(image: Image.Image, box: tuple[int, int, int, int], test: object) -> float:
    """Share of the pixels in ``box`` (fractions of width/height ×100) that pass ``test``."""
    w, h = image.size
    part = image.crop((box[0] * w // 100, box[1] * h // 100, box[2] * w // 100, box[3] * h // 100))
    pixels = list(part.getdata())
    return sum(1 for p in pixels if test(p)) / max(len(pixels), 1)  # type: ignore[operator]


def blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 150 and p[0] < 80 and p[1] < 80


def red(p: tuple[int, int, int]) -> bool:
    return p[0] > 150 and p[1] < 110 and p[2] < 110


@override_settings(PUBLIC_BASE_URL="")
class LetterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_case(self.city)
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        meeting = run_meeting(self, meeting)
        services.meeting_dispatch(meeting=meeting, actor=self.secretary, now=timezone.now())
        self.lead = Directive.objects.select_related("department").get(role="lead")

    def test_reference_numbers_and_url_read_left_to_right(self) -> None:
        self.lead.number = "1405-37-35-1"
        text = pdf_text(letter_pdf(self.lead))
        self.assertIn("۱۴۰۵-۳۷-۳۵-۱", text)
        self.assertNotIn("۱-۳۵-۳۷-۱۴۰۵", text)
        decision = fa_digits(self.lead.decision.number)
        self.assertIn(decision, text)
        url = f"http://testcity.test/decisions/verify/{self.lead.decision.number}/"
        self.assertIn(url, text)
        self.assertNotIn("/" + url.rstrip("/"), text)  # the slash drawn on the wrong side
        for case in self.lead.decision.item.cases.all():
            self.assertIn(case.tracking_code, text)
        # the reference block, the signatory with title, the copies
        for label in ("شماره:", "تاریخ:", "پیوست:", "شهرداری شهر آزمون", "دبیر پیشخوان خدمت"):
            self.assertIn(label, text)
        self.assertIn("رونوشت", text)
        self.assertIn(self.member.get_full_name(), text)  # the civil department's deputy
        self.assertIn(self.secretary.get_full_name(), text)
        self.assertNotRegex(text, r"20\d\d[-/]\d\d[-/]\d\d")  # no Gregorian date

    def test_verification_url_sits_inside_its_sentence(self) -> None:
        """A URL that ends a Persian line has a neutral slash at the paragraph's RTL end; the
        letter used to draw «اصالت مصوبه: URL» and the PDF's text read «اصالت مصوبهhttp://…/ :».
        Like the minutes, the URL now stands mid-sentence, with Persian on both sides, so the
        drawn line and the copied text read «… یا به http://…/ بروید.» on every renderer."""
        text = " ".join(pdf_text(letter_pdf(self.lead)).split())
        url = re.escape(f"http://testcity.test/decisions/verify/{self.lead.decision.number}/")
        self.assertRegex(text, rf"یا به ?{url} ?بروید")
        self.assertNotRegex(text, r"[\u0600-\u06ff]http")  # no Persian glued onto the URL

    def test_minutes_verification_url_reads_left_to_right(self) -> None:
        meeting = self.lead.decision.item.meeting
        meeting.refresh_from_db()
        text = pdf_text(meeting.minutes_pdf.read())
        self.assertIn(f"http://testcity.test/decisions/verify/?meeting={meeting.number}", text)
        self.assertIn(fa_digits(meeting.number), text)

    def test_city_signatory_emblem_and_seal_on_the_page(self) -> None:
        plain = pdf_page_png(letter_pdf(self.lead))
        self.assertLess(share(plain, (30, 0, 70, 15), blue), 0.01)
        m = Municipality.objects.get(pk=self.m.pk)
        m.emblem.save("emblem.png", png((20, 40, 200)))
        m.seal_image.save("seal.png", png((200, 30, 30), circle=True))
        m.signatory_name = "زهرا احمدی"
        m.signatory_title = "معاون برنامه‌ریزی و دبیر پیشخوان"
        m.save()
        self.lead.decision.item.meeting.municipality = m
        pdf = letter_pdf(self.lead)
        text = pdf_text(pdf)
        self.assertIn("زهرا احمدی", text)
        self.assertIn("معاون برنامه‌ریزی و دبیر پیشخوان".replace("‌", ""), text)
        page = pdf_page_png(pdf)
        page.save("/tmp/pk-letter-test.png")
        # the emblem: blue, centred in the letterhead (top band of the page)
        self.assertGreater(share(page, (35, 0, 65, 15), blue), 0.05)
        self.assertLess(share(page, (0, 20, 100, 100), blue), 0.01)
        # the seal: red, over the signature on the left half, below the letterhead
        self.assertGreater(share(page, (0, 25, 60, 100), red), 0.003)
        self.assertLess(share(page, (0, 0, 100, 15), red), 0.001)
