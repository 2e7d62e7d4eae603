"""Browser tests on a 390 px phone: the field app's offline copies and its service worker.

Logout clears the cached pages (they hold case data) but never drops an unsent report silently;
a new version of the service worker takes over and drops the old version's cache.
"""

import pytest

from conftest import browser_login, screenshot
from pishkhan.test import PASSWORD
from pishkhan.visits import views
from pishkhan.visits.models import Visit, VisitPhoto
from pishkhan.visits.tests.test_browser_offline import _photo, _route
from pishkhan.visits.tests.test_browser_visits import planned_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CACHES = "caches.keys().then(k => k.filter(n => n.startsWith('pishkhan-visits-')))"
UNSENT = "PishkhanOffline.unsent().then(a => a.length)"


def _logout(page):
    if page.locator(".navbar-toggler").is_visible():
        page.click(".navbar-toggler")
    page.click("form[data-logout] button[type=submit]")


def test_logout_warns_about_unsent_reports_then_clears_offline_copies(phone_page, tmp_path):
    page = phone_page
    city = planned_city()
    senior = city["senior"]
    visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
    report_url = _route(page, senior, visit)
    today_url = page.url
    assert page.evaluate(CACHES) == ["pishkhan-visits-v1"]
    cached = page.evaluate(
        "u => caches.open('pishkhan-visits-v1').then(c => c.match(u, {ignoreVary: true}))"
        ".then(r => !!r)",
        report_url,
    )
    assert cached  # the report page (with the case's text and photos) is on the phone

    # A report filed in the street; the signal comes back but the server cannot be reached.
    page.context.set_offline(True)
    for _attempt in range(3):
        page.goto(report_url)
        if page.locator("textarea[name=findings]").count():
            break
        page.wait_for_timeout(1000)
    page.fill("textarea[name=findings]", "تیر چراغ کج شده و سیم آن بیرون است")
    page.click("label[for=id_recommendation_0]")
    page.set_input_files("input[name=photos]", _photo(tmp_path))
    page.click("button[type=submit]:has-text('ثبت گزارش')")
    page.wait_for_selector("#queue-note.alert-warning", timeout=30000)
    page.route("**/report/", lambda route: route.abort())
    page.context.set_offline(False)
    assert page.evaluate(UNSENT) == 1

    # Logout: a Persian warning; "cancel" keeps the person logged in and everything kept.
    said = []
    page.once("dialog", lambda d: (said.append(d.message), d.dismiss()))
    _logout(page)
    for _tick in range(30):  # the queue tries once more before the question
        if said:
            break
        page.wait_for_timeout(500)
    assert said and "۱ گزارش بازدید هنوز به سامانه نرسیده" in said[0]
    assert "/office/visits/" in page.url
    assert page.evaluate(UNSENT) == 1
    assert page.evaluate(CACHES) == ["pishkhan-visits-v1"]

    # "OK": logged out; the cached pages are gone, the unsent report is still on the phone.
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        _logout(page)
    page.wait_for_load_state("networkidle")
    assert "/office/" not in page.url
    assert page.evaluate(CACHES) == []
    assert page.evaluate(UNSENT) == 1
    page.unroute("**/report/")
    page.goto(report_url)  # no copy of the case's page for whoever holds the phone now
    assert "/accounts/login/" in page.url
    screenshot(page, "field-logout-cleared")
    visit.refresh_from_db()
    assert visit.status != "reported"

    # Another senior manager logs in on this phone: the report is not sent with their login,
    # and their logout does not ask about it (it is not theirs).
    other = city["senior2"]
    browser_login(page, other, PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(today_url)
    page.wait_for_function("() => window.PishkhanQueue && PishkhanQueue.owner")
    page.evaluate("PishkhanQueue.flush()")
    assert page.evaluate(UNSENT) == 1
    visit.refresh_from_db()
    assert visit.status != "reported"
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    with page.expect_navigation():
        _logout(page)
    assert asked == []
    assert page.evaluate(UNSENT) == 1

    # The same person logs in again: the report is sent, once (with the new session's token).
    browser_login(page, senior, PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(today_url)
    for _tick in range(60):
        if page.evaluate(UNSENT) == 0:
            break
        page.wait_for_timeout(500)
    visit.refresh_from_db()
    assert visit.status == "reported"
    assert visit.findings.startswith("تیر چراغ")
    assert VisitPhoto.objects.filter(visit=visit).count() == 1


def test_logout_with_nothing_queued_asks_nothing(phone_page):
    page = phone_page
    city = planned_city()
    senior = city["senior"]
    visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
    _route(page, senior, visit)
    said = []
    page.on("dialog", lambda d: (said.append(d.message), d.dismiss()))
    with page.expect_navigation():
        _logout(page)
    page.wait_for_load_state("networkidle")
    assert said == []
    assert page.evaluate(CACHES) == []


def test_a_new_service_worker_takes_over_and_drops_the_old_cache(phone_page, tmp_path, monkeypatch):
    page = phone_page
    city = planned_city()
    senior = city["senior"]
    visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
    report_url = _route(page, senior, visit)
    assert page.evaluate(CACHES) == ["pishkhan-visits-v1"]

    # Deploy: the next version of the worker (the live server reads sw.js on each request).
    new = tmp_path / "sw.js"
    new.write_text(
        views.SW_FILE.read_text(encoding="utf-8").replace(
            'var CACHE = "pishkhan-visits-v1"', 'var CACHE = "pishkhan-visits-v2"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(views, "SW_FILE", new)
    page.evaluate(
        """() => new Promise(resolve => {
             navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
             navigator.serviceWorker.getRegistration().then(r => r.update());
           })"""
    )
    # the old version's cache is dropped when the new one activates
    page.wait_for_function(
        "() => caches.keys().then(k => !k.includes('pishkhan-visits-v1'))", polling=300
    )
    # the page and the worker agree on the new cache: the route is kept in it again
    page.reload()
    page.wait_for_selector("#offline-ready[data-ready='1']", timeout=60000)
    assert page.get_attribute("meta[name=pishkhan-sw-cache]", "content") == "pishkhan-visits-v2"
    assert page.evaluate(CACHES) == ["pishkhan-visits-v2"]
    page.context.set_offline(True)
    for _attempt in range(3):
        page.goto(report_url)
        if page.locator("textarea[name=findings]").count():
            break
        page.wait_for_timeout(1000)
    assert page.locator("textarea[name=findings]").count() == 1  # served from the new cache
    screenshot(page, "field-sw-updated-offline")
