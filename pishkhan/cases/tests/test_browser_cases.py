"""Browser tests (real Chromium): a citizen submits and tracks; an operator registers a phone call;
a district manager triages; the manager of another district sees none of it."""

import importlib
import re
from urllib.parse import quote

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection

from conftest import browser_login, screenshot
from pishkhan.cases.models import Case
from pishkhan.cases.services import case_submit
from pishkhan.test import PASSWORD, make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, user):
    browser_login(page, user, PASSWORD)
    page.wait_for_url("**/office/")


@pytest.fixture
def city():
    """A fresh city; the role groups come back first (a transactional test flushes the data
    migration's rows when it ends)."""
    cache.clear()
    if not Group.objects.exists():
        seed = importlib.import_module("pishkhan.accounts.migrations.0002_seed_roles")
        seed.seed_roles(django_apps, None)
    return make_city()


def test_citizen_submits_in_persian_and_tracks(page, city):
    page.goto(page.base_url + "/requests/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.select_option("#id_service", label="ترمیم چاله")
    page.fill("#id_citizen_name", "مریم احمدی")
    page.fill("#id_citizen_mobile", "۰۹۱۲۳۴۵۶۷۸۹")
    page.fill("#id_description", "چالهٔ بزرگی جلوی خانهٔ ما در کوچهٔ لاله ایجاد شده است")
    page.fill("#id_address", "خیابان ولیعصر، کوچهٔ لاله")
    page.select_option("#id_district", label="منطقهٔ یک")
    assert page.locator("#request-map").is_visible()  # the map picker appears with JavaScript
    page.locator("#request-map").click(position={"x": 200, "y": 150})
    assert page.input_value("#id_lat") != ""
    screenshot(page, "cases-citizen-form")
    page.click("#request-form button[type=submit]")
    page.wait_for_url("**/requests/receipt/**")
    code = page.locator("#tracking-code").inner_text().strip()
    case = Case.objects.get()
    assert code == case.tracking_code
    assert case.lat is not None and case.channel == "web"
    assert "۱۴۰" in page.content()  # Jalali year in Persian digits
    # The week's steps carry their numbers in their text: no list markers beside them as well
    # (the Persian-digit marker rule once outranked Bootstrap's list-unstyled: «۱. ۱.»).
    clock = page.locator("ol.week-clock").first
    assert clock.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    screenshot(page, "cases-citizen-receipt")

    page.goto(page.base_url + "/track/")
    page.fill("#id_code", code.lower())
    page.fill("#id_digits", "6789")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/track/{code}/")
    assert "ثبت درخواست" in page.content()
    assert page.locator("[aria-current=step]").count() == 1
    screenshot(page, "cases-citizen-track")
    # Coming back: the page is served from its cache (or confirmed with 304) and its forms
    # still carry this browser's own CSRF token — the language switch posts with it.
    page.reload()
    assert page.locator("[aria-current=step]").count() == 1
    page.locator("form.lang-switch button").click()
    page.wait_for_url(f"**/track/{code}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Forbidden" not in page.content()
    screenshot(page, "cases-citizen-track-en")

    # At the desk a moment later, before the worker has indexed it for full-text search: the
    # city's case list finds it by a word of its description all the same.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_case_fts_docsize WHERE id = %s", [case.pk])
            assert cursor.fetchone()[0] == 0  # not indexed yet
    login(page, city["manager1"])
    page.goto(page.base_url + "/office/cases/?q=" + quote("بزرگی جلوی خانه"))
    assert page.locator(f"text={code}").count() >= 1
    screenshot(page, "cases-search-before-indexing")


def fill_request(page, description):
    page.select_option("#id_service", label="ترمیم چاله")
    page.fill("#id_citizen_name", "مریم احمدی")
    page.fill("#id_citizen_mobile", "۰۹۱۲۳۴۵۶۷۸۹")
    page.fill("#id_description", description)
    page.fill("#id_address", "خیابان ولیعصر، کوچهٔ لاله")
    page.select_option("#id_district", label="منطقهٔ یک")


def test_back_to_a_sent_form_and_send_again_makes_no_second_case(page, city):
    page.goto(page.base_url + "/requests/new/")
    fill_request(page, "چالهٔ بزرگی جلوی خانهٔ ما در کوچهٔ لاله ایجاد شده است")
    page.click("#request-form button[type=submit]")
    page.wait_for_url("**/requests/receipt/**")
    code = page.locator("#tracking-code").inner_text().strip()

    # Back: the browser fetches the form again (its cookies changed), with a new key from the
    # server; the tab gives the form back the key it was sent with.
    page.go_back()
    page.wait_for_url("**/requests/new/")
    fill_request(page, "چالهٔ بزرگی جلوی خانهٔ ما در کوچهٔ لاله ایجاد شده است")
    page.click("#request-form button[type=submit]")
    page.wait_for_url("**/requests/receipt/**")
    assert page.locator("#tracking-code").inner_text().strip() == code
    assert Case.objects.count() == 1

    # Back again, and something else written in it: told which case the form made, nothing
    # typed is lost, and sending once more makes the new request.
    page.go_back()
    page.wait_for_url("**/requests/new/")
    fill_request(page, "درخت کهنسال کوچهٔ نرگس افتاده و راه را بسته است")
    page.click("#request-form button[type=submit]")
    alert = page.locator("#request-form .alert-danger")
    alert.wait_for()
    assert code in alert.inner_text()
    assert page.input_value("#id_description") == "درخت کهنسال کوچهٔ نرگس افتاده و راه را بسته است"
    assert Case.objects.count() == 1
    screenshot(page, "cases-citizen-form-sent-before")
    page.click("#request-form button[type=submit]")
    page.wait_for_url("**/requests/receipt/**")
    assert page.locator("#tracking-code").inner_text().strip() != code
    assert Case.objects.count() == 2


def test_each_form_in_the_history_keeps_its_own_key(page, city):
    # Two requests one after the other in the same tab; Back to each form gives that form's key
    # (not the last one sent), so neither can be sent again as a second case.
    keys = []
    page.goto(page.base_url + "/requests/new/")
    for text in ("چراغ کوچهٔ یاس شب‌ها خاموش است", "درخت کهنسال کوچهٔ نرگس افتاده است"):
        fill_request(page, text)
        keys.append(page.input_value("input[name=idempotency_key]"))
        page.click("#request-form button[type=submit]")
        page.wait_for_url("**/requests/receipt/**")
        if len(keys) == 1:
            page.click("text=ثبت درخواست دیگر")
            page.wait_for_url("**/requests/new/")
    assert keys[0] != keys[1]
    page.go_back()
    page.wait_for_url("**/requests/new/")
    assert page.input_value("input[name=idempotency_key]") == keys[1]
    page.go_back()
    page.wait_for_url("**/requests/receipt/**")
    page.go_back()
    page.wait_for_url("**/requests/new/")
    assert page.input_value("input[name=idempotency_key]") == keys[0]
    assert Case.objects.count() == 2


def test_operator_registers_a_phone_request(page, city):
    case_submit(
        municipality=city["municipality"],
        channel="web",
        citizen_name="حسن تلفنی",
        citizen_mobile="09151234567",
        service=city["pothole"],
        district=city["d1"],
        description="درخواست پیشین این شهروند دربارهٔ چاله",
    )
    login(page, city["operator"])
    page.goto(page.base_url + "/office/cases/register/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_citizen_mobile", "09151234567")
    page.locator("#returning-list").wait_for()
    page.fill("#id_citizen_name", "حسن تلفنی")
    page.select_option("#id_service", label="هرس درخت")
    page.fill("#id_description", "شاخهٔ درخت روی سیم برق افتاده و خطرناک است")
    page.select_option("#id_district", label="منطقهٔ دو")
    screenshot(page, "cases-operator-register")
    page.click("#register-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/office/cases/[A-Z0-9]{8}/receipt/$"))
    case = Case.objects.get(channel="phone")
    assert case.registered_by_id == city["operator"].pk
    screenshot(page, "cases-operator-case")


def test_district_manager_triages_and_other_district_sees_nothing(page, city):
    def new(text, lat, lon):
        return case_submit(
            municipality=city["municipality"],
            channel="web",
            citizen_name="شهروند",
            citizen_mobile="09121112233",
            service=city["pothole"],
            district=city["d1"],
            description=text,
            lat=lat,
            lon=lon,
        )

    a = new("چاله بزرگ جلوی نانوایی خیابان گلستان", 36.8400, 54.4400)
    b = new("چاله بزرگ جلوی نانوایی در خیابان گلستان", 36.8401, 54.4401)
    c = new("آب شرب ساختمان قطع شده است و فشار ندارد", 36.8500, 54.4600)
    login(page, city["manager1"])
    page.goto(page.base_url + "/office/cases/inbox/")
    assert page.locator("#inbox-table tbody tr").count() == 3
    screenshot(page, "cases-manager-inbox")
    # accept one
    page.goto(page.base_url + f"/office/cases/{a.tracking_code}/")
    screenshot(page, "cases-manager-case")
    page.click("button[value=accept_visit]")
    page.wait_for_load_state()
    a.refresh_from_db()
    assert a.status == "accepted"
    # merge the suggested duplicate from the inbox (one click)
    page.goto(page.base_url + "/office/cases/inbox/")
    page.click(
        f'button[formaction="/office/cases/{b.tracking_code}/act/"][value="{a.tracking_code}"]'
    )
    page.wait_for_load_state()
    b.refresh_from_db()
    assert b.status == "submitted"  # asked first, which way it goes
    assert "تأیید ادغام" in page.content()
    page.click("form button.btn-warning[type=submit]")
    page.wait_for_load_state()
    b.refresh_from_db()
    assert (b.status, b.merged_into_id) == ("merged", a.pk)
    # reject one with a reason
    page.goto(page.base_url + f"/office/cases/{c.tracking_code}/")
    page.select_option("#reject-form select[name=reason]", label="خارج از وظایف شهرداری")
    page.fill("#reject-form input[name=note]", "به ادارهٔ آب و فاضلاب مراجعه کنید")
    page.click("#reject-form button[type=submit]")
    page.wait_for_load_state()
    c.refresh_from_db()
    assert c.status == "rejected"
    screenshot(page, "cases-manager-rejected")

    page.context.clear_cookies()
    login(page, city["manager2"])
    page.goto(page.base_url + "/office/cases/inbox/")
    content = page.content()
    for case in (a, b, c):
        assert case.tracking_code not in content
        response = page.goto(page.base_url + f"/office/cases/{case.tracking_code}/")
        assert response.status == 404
    response = page.goto(page.base_url + "/office/cases/summary/")
    assert response.status == 200
    assert a.tracking_code not in page.content()


def test_operator_phone_intake_with_a_map_point_and_a_printed_receipt(phone_page, city):
    page = phone_page
    m = city["municipality"]
    lat, lon = m.start_lat or m.center_lat, m.start_lon or m.center_lon
    d2 = city["d2"]
    d2.boundary = [
        [lat - 0.05, lon - 0.05],
        [lat - 0.05, lon + 0.05],
        [lat + 0.05, lon + 0.05],
        [lat + 0.05, lon - 0.05],
    ]
    d2.save()
    login(page, city["operator"])
    page.goto(page.base_url + "/office/cases/register/")
    page.select_option("#id_channel", "phone")
    assert not page.locator("#id_letter_number").is_visible()  # asked for letters only
    page.fill("#id_citizen_mobile", "09151234567")
    page.fill("#id_citizen_name", "زهرا تلفنی")
    page.select_option("#id_service", label="هرس درخت")
    page.fill("#id_description", "درخت کهنسال کج شده و روی پیاده‌رو افتادنی است")
    page.fill("#id_address", "بلوار گلستان، روبه‌روی پارک")
    page.locator("#request-map").scroll_into_view_if_needed()
    page.locator("#request-map").click()  # the point the caller describes
    assert page.input_value("input[name=lat]") != ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "cases-operator-phone-intake-390")
    page.click("#register-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/office/cases/[A-Z0-9]{8}/receipt/$"))
    case = Case.objects.get(channel="phone")
    assert case.district_id == d2.pk and case.lat is not None  # the district came from the point
    assert case.tracking_code in page.locator("#receipt-code").inner_text()
    assert "جلسهٔ پیشخوان خدمت" in page.locator("#receipt-promise").inner_text()
    page.emulate_media(media="print")
    assert not page.locator("#print-receipt").is_visible()
    screenshot(page, "cases-operator-receipt-print-390")
    assert page.pdf()[:4] == b"%PDF"


def test_triage_takes_the_suggested_service_with_one_click(phone_page, city):
    page = phone_page
    m = city["municipality"]
    for i in range(12):
        for service, text in (
            (city["tree"], f"شاخهٔ درخت خشکیده روی سیم افتاده {i}"),
            (city["pothole"], f"چاله عمیق وسط آسفالت خیابان {i}"),
        ):
            c = case_submit(
                municipality=m,
                channel="web",
                citizen_name="زهرا",
                citizen_mobile="09125556677",
                service=service,
                description=text,
                district=city["d1"],
            )
            Case.objects.filter(pk=c.pk).update(status="accepted")
    cache.clear()
    case = case_submit(
        municipality=m,
        channel="web",
        citizen_name="علی",
        citizen_mobile="09125550000",
        service=city["pothole"],
        description="درخت کهنسال خشکیده و شاخه‌هایش روی سیم برق افتاده",
        district=city["d1"],
    )
    login(page, city["manager1"])
    page.goto(page.base_url + f"/office/cases/{case.tracking_code}/")
    box = page.locator("#service-suggestion")
    assert city["tree"].name in box.inner_text()
    assert re.search(r"[۰-۹]+٪", box.inner_text())  # Persian digits
    box.scroll_into_view_if_needed()
    screenshot(page, "triage-service-suggestion")
    case.refresh_from_db()
    assert case.service_id == city["pothole"].pk  # shown, not applied
    page.click("#use-suggested-service")
    page.wait_for_selector(".alert-success")
    case.refresh_from_db()
    assert case.service_id == city["tree"].pk
    assert page.locator("#use-suggested-service").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
