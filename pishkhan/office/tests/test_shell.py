from django.test import override_settings
from django.utils import timezone

from pishkhan.test import BaseTestCase


class ShellTests(BaseTestCase):
    def test_home_is_persian_rtl(self):
        response = self.client.get("/")
        self.assertContains(response, '<html lang="fa" dir="rtl">')
        self.assertContains(response, "پیشخوان خدمت")
        self.assertContains(response, "vendor/bootstrap/css/bootstrap.rtl.min.css")
        self.assertContains(response, "vendor/htmx/htmx.min.js")

    def test_english_is_switchable_and_ltr(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
        self.assertContains(response, '<html lang="en" dir="ltr">')
        self.assertContains(response, "bootstrap.min.css")

    def test_security_headers(self):
        response = self.client.get("/")
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp.split("script-src")[1].split(";")[0])
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_persian_404(self):
        with override_settings(DEBUG=False):
            response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "صفحه پیدا نشد", status_code=404)

    def test_admin_is_persian(self):
        self.login(self.admin)
        response = self.client.get("/admin/")
        self.assertContains(response, "پیکربندی سامانه")

    def test_healthz(self):
        from pishkhan.notify.models import WorkerHeartbeat

        WorkerHeartbeat.objects.create(name="worker", at=timezone.now())
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "ok")


class OfficeAccessTests(BaseTestCase):
    def test_anonymous_is_sent_to_login(self):
        response = self.client.get("/office/")
        self.assertRedirects(
            response, "/accounts/login/?next=/office/", fetch_redirect_response=False
        )

    def test_citizen_is_refused(self):
        self.login(self.citizen)
        self.assertEqual(self.client.get("/office/").status_code, 403)

    def test_each_staff_role_reaches_its_landing_page(self):
        for name in [
            "operator",
            "manager1",
            "senior",
            "member",
            "mayor",
            "secretary",
            "head_civil",
            "auditor",
            "admin",
        ]:
            user = getattr(self, name)
            self.client.logout()
            self.login(user)
            response = self.client.get("/office/")
            self.assertEqual(response.status_code, 200, name)
            self.assertContains(response, user.get_role_display())
