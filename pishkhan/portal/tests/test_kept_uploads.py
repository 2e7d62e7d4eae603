"""A form shown again after an error keeps the files already chosen (web and office intake)."""

import re

from django.core.cache import cache

from pishkhan.cases.models import Attachment, Case
from pishkhan.portal.tests.test_requests import NEW, RequestTestCase, png

TOKEN = re.compile(r'name="kept" value="([^"]+)"')


class KeptUploadTests(RequestTestCase):
    def test_web_form_error_keeps_the_photo_for_the_next_submit(self):
        r = self.client.post(NEW, self.data(description="", attachments=png("chale.png")))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "شرح درخواست را بنویسید")
        self.assertContains(r, "chale.png")  # shown as kept, nothing to choose again
        tokens = TOKEN.findall(r.content.decode())
        self.assertEqual(len(tokens), 1)
        self.assertEqual(Case.objects.count(), 0)
        r = self.client.post(NEW, {**self.data(), "kept": tokens})
        self.assertEqual(r.status_code, 302)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.original_name, "chale.png")
        self.assertEqual(attachment.content_type, "image/jpeg")

    def test_kept_file_survives_two_errors_and_can_be_dropped(self):
        r = self.client.post(NEW, self.data(description="", attachments=png("a.png")))
        tokens = TOKEN.findall(r.content.decode())
        r = self.client.post(
            NEW, {**self.data(citizen_mobile="12"), "kept": tokens, "attachments": png("b.png")}
        )
        self.assertContains(r, "شمارهٔ همراه معتبر نیست")
        tokens = TOKEN.findall(r.content.decode())
        self.assertEqual(len(tokens), 2)
        r = self.client.post(NEW, {**self.data(), "kept": tokens[1:]})  # the citizen unticked a.png
        self.assertEqual(r.status_code, 302)
        self.assertEqual([a.original_name for a in Attachment.objects.all()], ["b.png"])

    def test_forged_token_is_ignored(self):
        r = self.client.post(NEW, {**self.data(), "kept": ["pending/../../etc/passwd"]})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Attachment.objects.count(), 0)

    def test_bad_file_is_not_kept_and_says_why(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile("x.jpg", b"not an image" * 10)
        r = self.client.post(NEW, self.data(description="", attachments=fake))
        self.assertContains(r, "تصویر یا PDF معتبر نیست")
        self.assertEqual(TOKEN.findall(r.content.decode()), [])

    def test_office_intake_error_keeps_the_file(self):
        cache.clear()
        self.login(self.manager1)
        url = "/office/cases/register/"
        data = {**self.data(description=""), "channel": "phone", "attachments": png("letter.png")}
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 200)
        tokens = TOKEN.findall(r.content.decode())
        self.assertEqual(len(tokens), 1)
        data = {**self.data(), "channel": "phone", "kept": tokens}
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Case.objects.get().attachments.get().original_name, "letter.png")
