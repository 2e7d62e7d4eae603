"""English mode: the catalogue in pishkhan/locale/en is compiled and used; Persian stays the
default."""

import re

from django.utils import translation

from pishkhan.test import BaseTestCase

PERSIAN_LETTER = re.compile(r"[\u0621-\u064A\u067E\u0686\u0698\u06A9\u06AF\u06CC]")


def _headings_and_nav(html: str) -> list[str]:
    """Visible text of <h1>/<h2>, <nav> links, <label>s and <button>s: what a reader scans first."""
    parts = re.findall(r"<(h1|h2|label|button)\b[^>]*>(.*?)</\1>", html, re.S)
    parts += [
        ("a", a)
        for nav in re.findall(r"<nav\b.*?</nav>", html, re.S)
        for a in re.findall(r"<a\b[^>]*>(.*?)</a>", nav, re.S)
    ]
    texts = [re.sub(r"<[^>]+>", " ", inner) for _, inner in parts]
    return [" ".join(t.split()) for t in texts if t.strip()]


class EnglishTests(BaseTestCase):
    def english(self) -> None:
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertEqual(response.status_code, 302)

    def assert_no_persian_ui(self, html: str, allowed: tuple[str, ...] = ()) -> None:
        """Headings, labels, buttons and navigation links carry no Persian, except data (names)."""
        allowed = (*allowed, "فارسی")  # the language switch names Persian in Persian
        for text in _headings_and_nav(html):
            for value in allowed:
                text = text.replace(value, "")
            self.assertIsNone(PERSIAN_LETTER.search(text), f"Persian left in English UI: {text!r}")

    def test_catalogue_is_compiled(self) -> None:
        with translation.override("en"):
            self.assertEqual(translation.gettext("ثبت درخواست"), "Submit a request")
            self.assertEqual(translation.gettext("پیگیری"), "Track")
        with translation.override("fa"):
            self.assertEqual(translation.gettext("ثبت درخواست"), "ثبت درخواست")

    def test_public_pages_in_english(self) -> None:
        self.english()
        names = (self.m.name, self.category.name, self.pothole.name, self.tree.name)
        pages = {
            "/": [
                "Submit a request",
                "Track a request",
                "Services",
                "This week at a glance",
                "Latest news",
            ],
            "/services/": ["Services", "Find a service", "All categories"],
            "/track/": [
                "Track a request",
                "Tracking code",
                "Last four digits of the mobile number",
            ],
            "/requests/new/": [
                "Submit a citizen request",
                "Full name",
                "Mobile number",
                "Request description",
            ],
            "/accounts/login/": ["Log in to the office", "Log in", "Forgot your password?"],
        }
        for url, expected in pages.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, '<html lang="en" dir="ltr">')
                for text in expected:
                    self.assertContains(response, text)
                html = response.content.decode()
                for persian in (
                    "ثبت درخواست",
                    "پیگیری درخواست",
                    "فهرست خدمات",
                    "ورود به میز کار",
                    "اخبار",
                ):
                    self.assertNotIn(persian, html)
                self.assert_no_persian_ui(html, allowed=names)

    def test_office_in_english(self) -> None:
        self.login(self.manager1)
        self.english()
        response = self.client.get("/office/")
        self.assertContains(response, '<html lang="en" dir="ltr">')
        for text in (
            "My desk",
            "District inbox",
            "Submit a request",
            "Requests",
            "Log out",
            "District manager",
        ):
            self.assertContains(response, text)
        html = response.content.decode()
        for persian in ("پیشخوان من", "صندوق منطقه", "خروج", "میز کار پیشخوان"):
            self.assertNotIn(persian, html)
        self.assert_no_persian_ui(
            html, allowed=(self.manager1.get_full_name(), self.manager1.get_short_name())
        )

    def test_office_inbox_in_english(self) -> None:
        self.login(self.manager1)
        self.english()
        response = self.client.get("/office/cases/inbox/")
        self.assertContains(response, "Bulk action on the selected items")
        self.assertContains(response, "Accept (needs a visit)")
        self.assert_no_persian_ui(
            response.content.decode(),
            allowed=(
                self.manager1.get_full_name(),
                self.d1.name,
                self.pothole.name,
                self.tree.name,
            ),
        )

    def test_persian_stays_the_default(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, '<html lang="fa" dir="rtl">')
        self.assertContains(response, "ثبت درخواست")
        self.assertContains(response, "پیگیری درخواست")
        self.assertNotContains(response, "Submit a request")
        self.login(self.manager1)
        response = self.client.get("/office/")
        self.assertContains(response, "صندوق منطقه")
        self.assertContains(response, "مدیر منطقه")
        self.assertNotContains(response, "District inbox")

    def test_switching_back_to_persian(self) -> None:
        self.english()
        self.assertContains(self.client.get("/track/"), "Track a request")
        self.client.post("/i18n/setlang/", {"language": "fa", "next": "/"})
        response = self.client.get("/track/")
        self.assertContains(response, "پیگیری درخواست")
        self.assertNotContains(response, "Track a request")

    def test_english_browser_still_gets_persian(self) -> None:
        """Accept-Language is not a choice: only the language switch makes a page English."""
        for header in ("en-US,en;q=0.9", "en", "de-DE,en;q=0.5"):
            with self.subTest(header=header):
                response = self.client.get("/", headers={"Accept-Language": header})
                self.assertContains(response, '<html lang="fa" dir="rtl">')
                self.assertContains(response, "ثبت درخواست")
                self.assertNotIn("Accept-Language", response.get("Vary", ""))
        self.login(self.manager1)
        response = self.client.get("/office/", headers={"Accept-Language": "en-US,en;q=0.9"})
        self.assertContains(response, "صندوق منطقه")
        self.english()
        response = self.client.get("/track/", headers={"Accept-Language": "fa"})
        self.assertContains(response, "Track a request")
        self.client.cookies["pishkhan_language"] = "xx"
        self.assertContains(self.client.get("/track/"), "پیگیری درخواست")

    def test_directive_errors_in_english(self) -> None:
        from pishkhan.core.errors import ApplicationError
        from pishkhan.directives import services

        too_many = [object()] * (services.MAX_EVIDENCE + 1)
        with (
            translation.override("en"),
            self.assertRaisesMessage(ApplicationError, "Attach at most"),
        ):
            services._evidence(None, too_many)  # type: ignore[arg-type]
        with translation.override("fa"), self.assertRaisesMessage(ApplicationError, "حداکثر"):
            services._evidence(None, too_many)  # type: ignore[arg-type]


class EnglishMessagesTests(BaseTestCase):
    """Errors raised by services reach an English page in English (they were Persian literals)."""

    def test_service_errors_in_english(self) -> None:
        from django.core.exceptions import ValidationError

        from pishkhan.cases.files import clean_upload
        from pishkhan.core.errors import InvalidTransition, PermissionDeniedError
        from pishkhan.core.jalali import parse_jalali_date
        from pishkhan.core.validators import normalize_mobile

        with translation.override("en"):
            self.assertEqual(PermissionDeniedError().message, "You are not allowed to do this.")
            self.assertIn("refresh the page", InvalidTransition("a", "b").message)
            with self.assertRaisesMessage(ValueError, "Enter the date as 1405/09/08."):
                parse_jalali_date("yesterday")
            with self.assertRaisesMessage(ValidationError, "enter it like 09121234567"):
                normalize_mobile("12")
            from django.core.files.uploadedfile import SimpleUploadedFile

            with self.assertRaisesMessage(ValidationError, "is not a valid image or PDF"):
                clean_upload(SimpleUploadedFile("x.txt", b"hello", content_type="text/plain"))
        with translation.override("fa"):
            self.assertEqual(PermissionDeniedError().message, "شما اجازهٔ این کار را ندارید.")
