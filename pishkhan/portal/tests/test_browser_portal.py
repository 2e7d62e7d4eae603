"""Browser tests (real Chromium) of the public site, in Persian and English."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from conftest import browser_login, screenshot
from pishkhan.portal.models import Comment
from pishkhan.portal.tests.helpers import case, decision, published
from pishkhan.test import PASSWORD, make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page) -> None:
    label = page.locator(".challenge label").inner_text()
    digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    a, b = (int(x) for x in re.findall(r"\d+", label.translate(digits))[:2])
    page.fill("input[name=answer]", str(a + b))


def _english(page) -> None:
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_read_article_comment_and_moderator_approves(page):
    cache.clear()
    city = make_city()
    article = published(
        city,
        "پیشخوان خدمت در شهر آزمون",
        "بند اول خبر دربارهٔ پیشخوان خدمت.\nبند دوم خبر.",
        source="روابط عمومی شهرداری",
        slug="پیشخوان-خدمت",
    )
    published(city, "جلسهٔ پیشخوان خدمت", "جلسهٔ هفتگی پیشخوان خدمت برگزار شد.")
    page.goto(page.base_url + "/")
    screenshot(page, "portal-home-fa")
    page.click(f"a[href='{article.get_absolute_url()}']")
    assert page.locator("h1").inner_text() == "پیشخوان خدمت در شهر آزمون"
    assert page.locator("text=روابط عمومی شهرداری").count() == 1
    assert page.locator("aside >> text=جلسهٔ پیشخوان خدمت").count() == 1  # similar content
    page.fill("input[name=name]", "علی")
    page.fill("textarea[name=body]", "<script>window.pwned=1</script> ممنون از گزارش")
    _answer(page)
    page.click("form.comment-form button[type=submit]")
    assert page.locator(".alert-success").count() == 1
    assert page.locator(".comment").count() == 0
    screenshot(page, "portal-article-fa")

    browser_login(page, city["secretary"], PASSWORD)
    page.goto(page.base_url + "/office/site/articles/new/")
    assert page.locator("label[for=id_cover_alt]").count() == 1
    screenshot(page, "portal-office-article-fa")
    page.goto(page.base_url + "/office/site/comments/")
    screenshot(page, "portal-moderation-fa")
    page.click(".moderation-item button.btn-success")
    page.wait_for_load_state()
    assert Comment.objects.get().status == "approved"
    page.context.clear_cookies()
    page.goto(page.base_url + article.get_absolute_url())
    assert page.locator(".comment").count() == 1
    assert "<script>window.pwned=1</script>" in page.locator(".comment-body").inner_text()
    assert page.evaluate("window.pwned") is None
    _english(page)
    screenshot(page, "portal-article-en")


def test_find_service_and_start_request(page):
    cache.clear()
    make_city()
    page.goto(page.base_url + "/services/")
    page.fill("#q", "چاله")
    page.click("form[role=search] button[type=submit]")
    assert page.locator(".service-card").count() == 1
    screenshot(page, "portal-services-fa")
    page.click(".service-card a")
    assert page.url.endswith("/services/pothole/")
    screenshot(page, "portal-service-fa")
    _english(page)
    screenshot(page, "portal-service-en")
    page.click("a.submit-online")
    page.wait_for_load_state()
    assert page.url.endswith("/requests/new/?service=pothole")


def test_browse_decisions_and_follow_verify_link(page):
    cache.clear()
    city = make_city()
    decision(city, number="1405-101", text="ترمیم آسفالت خیابان بهار", directive_status="done")
    decision(
        city,
        number="1405-102",
        text="هرس درختان پارک ملت",
        title="درختان پارک",
        district=city["d2"],
    )
    page.goto(page.base_url + "/decisions/")
    assert page.locator(".decisions-table tbody tr").count() == 2
    page.fill("#dq", "آسفالت")
    page.click("form[role=search] button[type=submit]")
    assert page.locator(".decisions-table tbody tr").count() == 1
    screenshot(page, "portal-decisions-fa")
    _english(page)
    screenshot(page, "portal-decisions-en")
    page.click("a.verify-link")
    page.wait_for_load_state()
    assert page.url.endswith("/decisions/verify/1405-101/")


def test_stats_page_renders_charts_and_map(page):
    cache.clear()
    city = make_city()
    for _ in range(4):
        case(city)
    from django.utils import timezone

    decision(city, number="1405-201", directive_status="done", deadline=timezone.localdate())
    page.goto(page.base_url + "/stats/")
    page.wait_for_function("window.pishkhanCharts && window.pishkhanCharts.length === 4")
    assert page.locator("canvas").count() == 4
    assert page.evaluate("Chart.getChart('chart-volume') !== undefined")
    assert page.evaluate("Chart.getChart('chart-volume').options.scales.x.reverse") is True
    assert page.locator("#cases-map .leaflet-interactive").count() >= 1  # markers even offline
    screenshot(page, "portal-stats-fa")
    _english(page)
    page.wait_for_function("window.pishkhanCharts && window.pishkhanCharts.length === 4")
    assert page.evaluate("Chart.getChart('chart-volume').options.scales.x.reverse") is False
    screenshot(page, "portal-stats-en")
    page.goto(page.base_url + "/")
    screenshot(page, "portal-home-en")


def test_phone_layout_has_no_sideways_scroll(phone_page):
    cache.clear()
    city = make_city()
    article = published(city, "خبر روی گوشی", "متن بلند خبر " * 40, source="روابط عمومی")
    decision(city, number="1405-301")
    for path in ("/", article.get_absolute_url(), "/services/", "/decisions/"):
        phone_page.goto(phone_page.base_url + path)
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (path, overflow)
    phone_page.goto(phone_page.base_url + article.get_absolute_url())
    screenshot(phone_page, "portal-article-phone-fa")
