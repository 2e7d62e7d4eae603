"""Browser tests (real Chromium): the phone route and report; the secretary's plan page."""

import datetime as dt

import pytest
from PIL import Image, ImageDraw

from conftest import browser_login, screenshot
from pishkhan.cycle.services import week_get_or_create
from pishkhan.test import PASSWORD, make_city
from pishkhan.visits.models import Visit
from pishkhan.visits.services import visits_plan
from pishkhan.visits.tests.helpers import at, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOV21 = dt.date(2026, 11, 21)


def planned_city():
    city = make_city()
    week = week_get_or_create(city["municipality"], NOV21)
    for i in range(4):
        submit(city, when=at(2026, 11, 21, 9), lat=36.84 + i / 150, lon=54.43 + i / 200)
    visits_plan(week=week, now=at(2026, 11, 22, 23, 59))
    return city


def test_senior_manager_files_a_report_with_a_photo_on_a_phone(phone_page, tmp_path):
    page = phone_page
    city = planned_city()
    senior = city["senior"]
    visit = Visit.objects.filter(manager=senior).order_by("day", "order").first()
    browser_login(page, senior, PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + f"/office/visits/today/?day={visit.day.isoformat()}")
    assert page.locator("#route-map .leaflet-marker-icon").count() >= 1
    assert (
        page.locator("#route li.visit-card").count()
        == Visit.objects.filter(manager=senior, day=visit.day).count()
    )
    screenshot(page, "visits-today-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.locator(f"li[data-visit='{visit.pk}'] a", has_text="گزارش بازدید").click()
    page.wait_for_url(f"**/office/visits/{visit.pk}/report/")
    page.click("#checkin-btn")
    page.wait_for_selector("#checked-in")
    page.fill("textarea[name=findings]", "نشست آسفالت به طول دو متر کنار جوی آب")
    page.fill("textarea[name=measurements]", "طول: ۲ متر")
    # a reload does not lose the report in progress
    page.reload()
    assert page.input_value("textarea[name=findings]") == "نشست آسفالت به طول دو متر کنار جوی آب"
    assert page.locator("#draft-note").is_visible()
    page.click("label[for=id_recommendation_0]")
    page.fill("input[name=estimated_cost]", "۲۵۰۰۰۰۰۰")
    img = Image.new("RGB", (320, 240), (90, 90, 90))
    ImageDraw.Draw(img).ellipse((100, 70, 220, 170), fill=(30, 30, 30))
    path = tmp_path / "pothole.png"
    img.save(path)
    page.set_input_files("input[name=photos]", str(path))
    screenshot(page, "visits-report-phone")
    page.click("button[type=submit]:has-text('ثبت گزارش')")
    page.wait_for_url("**/office/visits/today/**")
    visit.refresh_from_db()
    assert visit.status == "reported"
    assert visit.checkin_lat == pytest.approx(36.84, abs=0.01)
    assert visit.photos.count() == 1
    assert visit.estimated_cost == 25_000_000
    visit.case.refresh_from_db()
    assert visit.case.status == "visited"
    assert page.evaluate(f"localStorage.getItem('visit-draft-{visit.pk}')") is None
    screenshot(page, "visits-today-after-report")


def test_secretary_reassigns_a_visit(page):
    city = planned_city()
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + f"/office/visits/plan/?start={NOV21.isoformat()}")
    screenshot(page, "visits-plan")
    visit = Visit.objects.filter(manager=city["senior"]).order_by("day", "order").first()
    target = city["senior2"]
    row = page.locator(f"tr[data-visit='{visit.pk}']")
    row.locator("select[name=manager]").select_option(str(target.pk))
    row.locator("button[type=submit]").click()
    page.wait_for_selector(
        f"section.route-card[data-manager='{target.pk}'] tr[data-visit='{visit.pk}']"
    )
    visit.refresh_from_db()
    assert visit.manager_id == target.pk
    screenshot(page, "visits-plan-after-reassign")


def test_week_page_shows_holiday_shifts(page):
    from pishkhan.cycle.services import holidays_seed

    city = make_city()
    holidays_seed(municipality=city["municipality"], today=dt.date(2026, 3, 21))
    week_get_or_create(city["municipality"], dt.date(2026, 6, 20))
    submit(city, when=at(2026, 6, 20, 9))
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + "/office/week/?start=2026-06-20")
    assert "تاسوعای حسینی" in page.content()
    screenshot(page, "cycle-week-tasua")
