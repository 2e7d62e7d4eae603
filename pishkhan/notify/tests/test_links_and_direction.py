"""Messages that leave the browser: absolute links from the city's own address, codes isolated
left-to-right (U+2066 … U+2069), Jalali dates and Persian digits, short SMS."""

from __future__ import annotations

import re

from django.test import override_settings
from django.utils import timezone

from pishkhan.cases.services import case_submit
from pishkhan.directives import services as directive_services
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase

LRI, PDI = "\u2066", "\u2069"
GREGORIAN = re.compile(r"\b20\d\d[-/]\d\d?[-/]\d\d?\b")


def sms_parts(text: str) -> int:
    """Parts a Persian (UCS-2) SMS takes: 70 characters alone, 67 per part when split."""
    return 1 if len(text) <= 70 else -(-len(text) // 67)


@override_settings(PUBLIC_BASE_URL="")
class LinkTests(BaseTestCase):
    def submit(self) -> Message:
        case = case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="علی رضایی",
            citizen_mobile="09123456789",
            service=self.pothole,
            district=self.d1,
            description="چاله بزرگ در کوچهٔ دوازدهم",
            citizen_email="a@example.org",
        )
        self.code = case.tracking_code
        return Message.objects.get(template="cases/messages/received", channel="sms")

    def test_received_sms_link_is_absolute_isolated_and_short(self) -> None:
        sms = self.submit()
        self.assertIn(f"{LRI}{self.code}{PDI}", sms.body)
        self.assertIn(f"{LRI}http://testcity.test/track/{PDI}", sms.body)
        self.assertNotRegex(sms.body, r"(^|\s)/track/")
        self.assertLessEqual(sms_parts(sms.body), 2, len(sms.body))
        email = Message.objects.get(template="cases/messages/received", channel="email")
        self.assertIn("http://testcity.test/track/", email.body)

    def test_city_base_url_wins_over_the_setting(self) -> None:
        self.m.base_url = "https://gorgan.ir/"
        self.m.save(update_fields=["base_url"])
        with override_settings(PUBLIC_BASE_URL="https://pishkhan.example"):
            sms = self.submit()
        self.assertIn("https://gorgan.ir/track/", sms.body)
        Message.objects.all().delete()
        self.m.base_url = ""
        self.m.save(update_fields=["base_url"])
        with override_settings(PUBLIC_BASE_URL="https://pishkhan.example"):
            sms = self.submit()
        self.assertIn("https://pishkhan.example/track/", sms.body)

    def test_directive_messages_absolute_isolated_jalali(self) -> None:
        make_case(self.city)
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        meeting = run_meeting(self, meeting)
        directive_services.meeting_dispatch(
            meeting=meeting, actor=self.secretary, now=timezone.now()
        )
        issued = Message.objects.filter(template="directives/messages/issued")
        self.assertTrue(issued.exists())
        for message in issued:
            self.assertRegex(message.body, LRI + r"\d{4}-\d+-\d+-\d+" + PDI)
            self.assertRegex(
                message.body, LRI + r"http://testcity\.test/office/directives/\d+/" + PDI
            )
            self.assertNotRegex(message.body, GREGORIAN)
            if message.channel == "sms":
                self.assertLessEqual(sms_parts(message.body), 2, message.body)
