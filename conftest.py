"""Shared pytest fixtures: real Chromium (Debian's) driven by Playwright for browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django test DB is still
    # accessed synchronously from the test body, which is what we want.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    path = _chromium()
    if path is None:
        pytest.fail("Debian chromium is required for browser tests: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="fa-IR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 36.84, "longitude": 54.44},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page: Any, user: Any, password: str) -> None:
    """Log in through the real login form (and the TOTP step for roles that need it)."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=mobile]", "0" + user.mobile[3:])
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    if "/accounts/two-factor/" in page.url:
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user).order_by("-id").first()
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        page.fill("input[name=token]", code)
        page.click("main button[type=submit]")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language: a request through the test client activates the
    language it was served in (English after the switch) and leaves it active in this thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache (host → city look-ups, rate limits, page cache)."""
    from django.core.cache import cache

    from pishkhan.portal.cache import state_pages_clear

    cache.clear()
    state_pages_clear()
    yield
    cache.clear()
    state_pages_clear()


@pytest.fixture(autouse=True, scope="session")
def _test_settings_in_use() -> None:
    """Real worker processes need the file test database of pishkhan.settings_test."""
    from django.conf import settings

    if not settings.TESTING:
        pytest.exit(
            "run the suite with DJANGO_SETTINGS_MODULE=pishkhan.settings_test", returncode=2
        )
