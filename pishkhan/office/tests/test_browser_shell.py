"""Browser tests (real Chromium): the Persian shell in both languages."""

import pytest

from conftest import browser_login, screenshot
from pishkhan.test import PASSWORD, make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_login_and_office_in_persian_and_english(page):
    city = make_city()
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").first.inner_text().strip() == "پیشخوان خدمت"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Vazirmatn" in font
    screenshot(page, "shell-home-fa")

    page.goto(page.base_url + "/accounts/login/")
    screenshot(page, "shell-login-fa")
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    assert "دبیر پیشخوان" in page.content()
    screenshot(page, "shell-office-fa")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "shell-office-en")
    page.goto(page.base_url + "/")
    screenshot(page, "shell-home-en")


def test_board_member_passes_totp_in_the_browser(page):
    city = make_city()
    browser_login(page, city["mayor"], PASSWORD)
    page.wait_for_url("**/office/")
    assert "شهردار" in page.content()


def test_main_pages_in_english(page):
    """The English catalogue: left-to-right pages whose headings and navigation are English."""
    city = make_city()
    page.goto(page.base_url + "/")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    pages = {
        "/": "Service Counter",
        "/services/": "Services",
        "/requests/new/": "Submit a citizen request",
        "/track/": "Track a request",
        "/decisions/": "Service Counter decisions register",
    }
    for path, heading in pages.items():
        page.goto(page.base_url + path)
        assert page.locator("html").get_attribute("dir") == "ltr"
        assert page.locator("h1").first.inner_text().strip() == heading
        nav = page.locator("nav").first.inner_text()
        assert "Submit a request" in nav and "Track" in nav and "ثبت" not in nav
        screenshot(page, "shell-" + (path.strip("/").replace("/", "-") or "home") + "-en")

    browser_login(page, city["manager1"], PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + "/office/cases/inbox/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "District inbox" in page.locator("nav").first.inner_text()
    assert "Bulk action on the selected items" in page.content()
    screenshot(page, "shell-inbox-en")
