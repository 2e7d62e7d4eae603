"""The page's CSRF token made with one random draw (pishkhan.core.csrf) is checked by Django's
own middleware exactly like get_token()'s: accepted with its secret, refused otherwise, and
never the same twice."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CsrfViewMiddleware, get_token
from django.test import RequestFactory, SimpleTestCase

from pishkhan.core.csrf import csrf_token

SECRET = "k3Vq9ZpLmN0xYtR7sWb2CdEfGhJiKl4A"


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def page_request(secret: str | None) -> HttpRequest:
    """A GET as the middleware hands it to a view: the cookie's secret in META."""
    request = RequestFactory().get("/track/")
    if secret:
        request.COOKIES[settings.CSRF_COOKIE_NAME] = secret
    CsrfViewMiddleware(view).process_request(request)
    return request


def accepted(token: str, secret: str) -> bool:
    request = RequestFactory().post("/track/", {"csrfmiddlewaretoken": token})
    request.COOKIES[settings.CSRF_COOKIE_NAME] = secret
    middleware = CsrfViewMiddleware(view)
    middleware.process_request(request)
    return middleware.process_view(request, view, (), {}) is None


class CsrfTokenTests(SimpleTestCase):
    def test_django_accepts_it_with_its_secret_only(self) -> None:
        token = csrf_token(page_request(SECRET))
        self.assertEqual(len(token), 64)
        self.assertTrue(set(token) <= set(CSRF_ALLOWED_CHARS))
        self.assertTrue(accepted(token, SECRET))
        self.assertFalse(accepted(token, SECRET[::-1]))
        tampered = token[:40] + ("a" if token[40] != "a" else "b") + token[41:]
        self.assertFalse(accepted(tampered, SECRET))
        self.assertTrue(accepted(get_token(page_request(SECRET)), SECRET))  # the yardstick

    def test_every_character_of_a_secret_is_shifted_right(self) -> None:
        # Two secrets between them hold every character of the alphabet, at every end of it.
        for secret in (CSRF_ALLOWED_CHARS[:32], CSRF_ALLOWED_CHARS[-32:][::-1]):
            for _ in range(20):
                self.assertTrue(accepted(csrf_token(page_request(secret)), secret))

    def test_a_fresh_mask_every_time(self) -> None:
        request = page_request(SECRET)
        tokens = {csrf_token(request) for _ in range(200)}
        self.assertEqual(len(tokens), 200)
        for position in range(32):  # every mask character varies (uniform draw, not a constant)
            self.assertGreater(len({t[position] for t in tokens}), 30)

    def test_a_browser_that_holds_the_cookie_is_not_sent_it_again(self) -> None:
        request = page_request(SECRET)
        self.assertTrue(accepted(csrf_token(request), SECRET))
        response = CsrfViewMiddleware(view).process_response(request, HttpResponse())
        self.assertNotIn(settings.CSRF_COOKIE_NAME, response.cookies)
        # The yardstick: Django's get_token re-sends it (to slide its expiry).
        request = page_request(SECRET)
        get_token(request)
        response = CsrfViewMiddleware(view).process_response(request, HttpResponse())
        self.assertEqual(response.cookies[settings.CSRF_COOKIE_NAME].value, SECRET)

    def test_a_first_visit_gets_a_new_secret_and_its_cookie(self) -> None:
        request = page_request(None)
        token = csrf_token(request)
        secret = request.META["CSRF_COOKIE"]
        self.assertEqual(len(secret), 32)
        self.assertTrue(accepted(token, secret))
        response = CsrfViewMiddleware(view).process_response(request, HttpResponse())
        self.assertEqual(response.cookies[settings.CSRF_COOKIE_NAME].value, secret)
