"""Browser test (real Chromium): Swagger UI at /api/docs/ renders offline from the sidecar files."""

import pytest

from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_without_any_cdn(page):
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(page.base_url) and r.url.startswith("http")
            else None
        ),
    )
    page.goto(page.base_url + "/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    text = page.content()
    assert "Pishkhan API" in text
    assert "/api/v1/cases/{code}/accept/" in text
    assert outside == []
    screenshot(page, "api-docs")
