"""Browser tests on a 390 px phone: the 06:00 visit without signal.

The route page keeps the day's report pages on the phone (service worker); a report filed
offline waits in IndexedDB with its photo and reaches the server once when the network returns.
"""

import pytest
from PIL import Image

from conftest import browser_login, screenshot
from pishkhan.cases.models import CaseEvent
from pishkhan.test import PASSWORD
from pishkhan.visits.models import Visit, VisitPhoto
from pishkhan.visits.tests.test_browser_visits import planned_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path, name="site.png", size=(320, 240)):
    path = tmp_path / name
    Image.new("RGB", size, (120, 80, 40)).save(path)
    return str(path)


def _route(page, senior, visit):
    browser_login(page, senior, PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + f"/office/visits/today/?day={visit.day.isoformat()}")
    report_url = page.base_url + f"/office/visits/{visit.pk}/report/"
    # the service worker took the page and the report page is on the phone
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.wait_for_selector("#offline-ready[data-ready='1']", timeout=60000)  # page, photos, scripts
    return report_url


def test_offline_report_is_queued_and_arrives_once(phone_page, tmp_path):
    page = phone_page
    city = planned_city()
    senior = city["senior"]
    visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
    report_url = _route(page, senior, visit)

    page.context.set_offline(True)
    for _attempt in range(3):  # from the phone's copy: no signal in the street
        page.goto(report_url)  # (the service worker may take a moment to wake up)
        if page.locator("textarea[name=findings]").count():
            break
        page.wait_for_timeout(1000)
    page.fill("textarea[name=findings]", "جدول کنار پیاده‌رو شکسته و آب جمع شده است")
    page.click("label[for=id_recommendation_0]")
    page.set_input_files("input[name=photos]", _photo(tmp_path))
    page.click("button[type=submit]:has-text('ثبت گزارش')")
    page.wait_for_selector("#queue-note.alert-warning", timeout=30000)
    assert "در صف ارسال" in page.locator("#queue-note").inner_text()
    screenshot(page, "field-offline-queued")
    visit.refresh_from_db()
    assert visit.status == "planned"  # nothing reached the server
    assert page.evaluate("PishkhanQueue.all().then(a => a.length)") == 1

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url("**/office/visits/today/**")
    page.wait_for_load_state("networkidle")
    visit.refresh_from_db()
    assert visit.status == "reported"
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    assert page.evaluate("PishkhanQueue.all().then(a => a.length)") == 0

    # The same report sent twice (the answer was lost): the queue holds it again and flushes;
    # the server answers "filed" for its key, the route page reloads, nothing is doubled.
    with page.expect_navigation():
        page.evaluate(
            """([url, key]) => {
                 const csrf = document.cookie.match(/csrftoken=([^;]+)/);
                 const fields = [['findings', 'تکرار'], ['recommendation', 'approve'],
                                 ['urgency', '2'], ['report_key', key]];
                 PishkhanQueue.put({key, url, visit: '0', csrf: csrf ? csrf[1] : '', fields,
                                    files: []}).then(() => PishkhanQueue.flush());
                 return true;
               }""",
            [report_url, visit.report_key],
        )
    page.wait_for_load_state("networkidle")
    assert page.evaluate("PishkhanQueue.all().then(a => a.length)") == 0
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    assert CaseEvent.objects.filter(case=visit.case, new_status="visited").count() == 1
    visit.refresh_from_db()
    assert visit.findings.startswith("جدول")
    screenshot(page, "field-after-sync")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_check_in_without_location_permission_explains_itself(browser, live_server, tmp_path):
    context = browser.new_context(
        locale="fa-IR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        city = planned_city()
        senior = city["senior"]
        visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
        browser_login(page, senior, PASSWORD)
        page.wait_for_url("**/office/")
        page.goto(page.base_url + f"/office/visits/{visit.pk}/report/")
        page.click("#checkin-btn")
        page.wait_for_selector("#checkin-status:has-text('اجازهٔ دسترسی به موقعیت مکانی')")
        visit.refresh_from_db()
        assert visit.checked_in_at is None  # nothing recorded behind the manager's back
        screenshot(page, "field-checkin-denied")
        page.click("#checkin-bare")
        page.wait_for_selector("#checked-in")
        visit.refresh_from_db()
        assert "no_location" in visit.checkin_flags

        # a photo too large is refused on the phone with a Persian message, nothing queued
        page.evaluate("document.getElementById('report-form').dataset.maxBytes = '1000'")
        page.fill("textarea[name=findings]", "درخت افتاده")
        page.click("label[for=id_recommendation_0]")
        page.set_input_files("input[name=photos]", _photo(tmp_path, "big.png", (900, 900)))
        page.click("button[type=submit]:has-text('ثبت گزارش')")
        page.wait_for_selector("#queue-note:has-text('مگابایت است')")
        screenshot(page, "field-photo-too-large")
        assert page.evaluate("PishkhanQueue.all().then(a => a.length)") == 0
        visit.refresh_from_db()
        assert visit.status == "checked_in"
    finally:
        context.close()


def test_far_check_in_shows_the_distance(phone_page):
    page = phone_page
    page.context.set_geolocation({"latitude": 35.70, "longitude": 51.40})  # ~300 km away
    city = planned_city()
    senior = city["senior"]
    visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
    browser_login(page, senior, PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + f"/office/visits/{visit.pk}/report/")
    page.click("#checkin-btn")
    page.wait_for_selector("#checked-in:has-text('دور از محل')")
    visit.refresh_from_db()
    assert "far" in visit.checkin_flags and visit.checkin_distance_m > 250_000
    assert "wrong_day" in visit.checkin_flags  # the test runs on another day than the plan
