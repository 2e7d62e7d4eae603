"""The configuration site (/admin/) attacked the way the outside test did (#13, item 1)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Permission
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from pishkhan.accounts.services import password_reset_request
from pishkhan.notify.models import Message
from pishkhan.notify.services import outbox_process
from pishkhan.test import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class AdminSecondFactorTests(BaseTestCase):
    def test_password_alone_never_opens_the_admin(self):
        # The old admin login form: mobile + password, nothing else.
        response = self.client.post(
            "/admin/login/?next=/admin/",
            {"username": self.admin.mobile, "password": PASSWORD, "next": "/admin/"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"), response["Location"])
        index = self.client.get("/admin/")
        self.assertEqual(index.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_office_password_without_the_second_factor_is_not_enough(self):
        self.client.post("/accounts/login/", {"mobile": self.admin.mobile, "password": PASSWORD})
        self.assertIn("_auth_user_id", self.client.session)
        for url in ("/admin/", "/admin/accounts/user/", "/admin/notify/message/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            login = self.client.get(response["Location"])
            self.assertEqual(login.status_code, 302)
            self.assertTrue(login["Location"].startswith("/accounts/two-factor/"), url)

    def test_admin_login_goes_through_office_login_and_totp(self):
        start = self.client.get("/admin/")
        hop = self.client.get(start["Location"])
        self.assertEqual(hop["Location"], "/accounts/login/?next=%2Fadmin%2F")
        login = self.client.post(
            "/accounts/login/",
            {"mobile": self.admin.mobile, "password": PASSWORD, "next": "/admin/"},
        )
        self.assertEqual(login["Location"], "/accounts/two-factor/?next=%2Fadmin%2F")
        self.client.get(login["Location"])  # enrols a device
        device = TOTPDevice.objects.get(user=self.admin)
        done = self.client.post(
            "/accounts/two-factor/", {"token": current_code(device), "next": "/admin/"}
        )
        self.assertRedirects(done, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(self.client.get("/admin/login/")["Location"], "/admin/")

    def test_staff_who_do_not_configure_the_system_get_no_admin(self):
        for persona in ("operator", "secretary", "auditor", "member", "mayor", "head_civil"):
            user = getattr(self, persona)
            self.login(user)  # with the second factor where the role has one
            for url in ("/admin/", "/admin/cycle/week/", "/admin/login/"):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 403, f"{persona} {url}")
            self.client.logout()

    def test_view_week_is_no_longer_a_role_permission(self):
        # Django's own "cycle.view_week" opened /admin/cycle/week/ to every role holding it.
        for persona in ("member", "mayor", "secretary", "auditor"):
            user = getattr(self, persona)
            self.assertFalse(user.has_perm("cycle.view_week"), persona)
            self.assertTrue(user.has_perm("cycle.see_week"), persona)
        self.assertFalse(
            Permission.objects.filter(codename="view_week", group__isnull=False).exists()
        )


class AdminSecretsTests(BaseTestCase):
    def setUp(self):
        self.login(self.admin)

    def test_totp_secret_is_never_shown(self):
        device = TOTPDevice.objects.create(user=self.mayor, name="phone", confirmed=True)
        pages = [
            "/admin/otp_totp/totpdevice/",
            f"/admin/otp_totp/totpdevice/{device.pk}/change/",
            f"/admin/otp_totp/totpdevice/{device.pk}/config/",
            f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
            "/admin/otp_totp/totpdevice/add/",
        ]
        for url in pages:
            response = self.client.get(url)
            self.assertNotIn(device.key, response.content.decode(), url)
            self.assertNotIn("otpauth://", response.content.decode(), url)
        self.assertEqual(self.client.get(pages[1]).status_code, 200)
        self.assertEqual(self.client.get(pages[-1]).status_code, 403)

    def test_api_tokens_are_never_shown(self):
        token = Token.objects.create(user=self.operator)
        for url in (
            "/admin/authtoken/tokenproxy/",
            f"/admin/authtoken/tokenproxy/{token.key}/change/",
            f"/admin/accounts/user/{self.operator.pk}/change/",
        ):
            self.assertNotIn(token.key, self.client.get(url).content.decode(), url)

    def test_reset_codes_are_never_shown_nor_kept(self):
        password_reset_request(mobile=self.operator.mobile)
        sms = Message.objects.get(to=self.operator.mobile, channel="sms")
        code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
        self.assertEqual(len(code), 6)
        self.assertTrue(sms.secret)
        for url in ("/admin/notify/message/", f"/admin/notify/message/{sms.pk}/change/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertNotIn(code, response.content.decode(), url)
        outbox_process()
        sms.refresh_from_db()
        self.assertEqual(sms.status, "sent")
        self.assertNotIn(code, sms.body)

    def test_every_registered_model_page_keeps_secrets(self):
        """Walk every admin list and change page: no TOTP key, token or reset code in any."""
        device = TOTPDevice.objects.create(user=self.mayor, name="phone", confirmed=True)
        token = Token.objects.create(user=self.operator)
        password_reset_request(mobile=self.operator.mobile)
        sms = Message.objects.get(to=self.operator.mobile, channel="sms")
        code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
        for model in admin.site._registry:
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            urls = [base]
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                urls.append(f"{base}{first.pk}/change/")
            for url in urls:
                body = self.client.get(url).content.decode()
                for secret in (device.key, token.key, code):
                    self.assertNotIn(secret, body, url)
