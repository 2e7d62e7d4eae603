"""An SMS and an e-mail's text part are plain text: what a person wrote reaches the citizen as
written. Before, they were rendered with HTML escaping: a rejection reason with «"» or «&»
arrived as «&quot;» / «&amp;»."""

from __future__ import annotations

from django.test import TestCase

from pishkhan.notify.models import Message
from pishkhan.notify.services import message_enqueue


class PlainTextMessageTests(TestCase):
    def test_sms_and_text_part_are_not_html_escaped_but_the_html_part_is(self):
        reason = 'محل «پارک" شهر» & پیاده‌رو <مشترک> است'

        class Case:
            tracking_code = "GRG-ABC-1234"

        message_enqueue(
            template="cases/messages/decision_reject",
            context={"case": Case(), "text": reason},
            mobile="+989121234567",
            email="a@example.com",
            dedupe_key="plain-text",
        )
        sms = Message.objects.get(channel=Message.Channel.SMS)
        self.assertIn(reason, sms.body)
        self.assertNotIn("&quot;", sms.body)
        email = Message.objects.get(channel=Message.Channel.EMAIL)
        self.assertIn(reason, email.body)
        if email.html_body:  # the HTML part, where there is one, still escapes
            self.assertNotIn("<مشترک>", email.html_body)
