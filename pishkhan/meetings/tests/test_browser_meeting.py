"""Browser: the secretary runs a meeting, the members sign, a department head completes an order."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from conftest import browser_login, screenshot
from pishkhan.directives.models import Directive
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.tests.factories import make_case
from pishkhan.test import PASSWORD, make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _relogin(page, user) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    browser_login(page, user, PASSWORD)
    page.wait_for_url("**/office/**")


def test_meeting_signing_and_completion(page, tmp_path):  # type: ignore[no-untyped-def]
    city = make_city()
    make_case(city, address="خیابان ولیعصر، کوچهٔ ۱۲")
    make_case(city, service=city["tree"], district=city["d2"], address="پارک شهر")
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    page.goto(page.base_url + "/office/meetings/")
    page.click("text=جلسهٔ این هفته")
    page.click("button[value=build]")
    assert page.locator("section.card").count() == 2
    screenshot(page, "meetings-agenda")
    page.click("button[value=freeze]")
    page.click("text=حالت جلسه")
    page.click("button[value=start]")
    assert "در حال برگزاری" in page.content()
    for _ in range(2):
        row = page.locator("li.item-row:not(:has([data-decided]))").nth(0)
        row_id = row.get_attribute("id")
        row.focus()
        page.keyboard.press("Enter")  # keyboard: the item's form opens in place (htmx)
        card = page.locator(f"section.item-card#{row_id}")
        card.wait_for()
        card.locator("input[value=approve]").check()
        card.locator("textarea").fill("ترمیم و آسفالت در اسرع وقت")
        card.locator("select[name$=lead_department]").select_option(label="معاونت عمرانی")
        card.locator("input[name$=deadline]").fill("1406/06/01")
        for select in card.locator("select[name*=pos_]").all():
            select.select_option("agree")
        card.locator("textarea").press("Control+Enter")  # keyboard: save without leaving the screen
        page.locator(f"#{row_id} [data-decided]").wait_for()
    assert page.locator("[data-decided]").count() == 2
    screenshot(page, "meetings-session")
    page.click("button[value=close]")
    page.wait_for_url("**/sign/")
    meeting = Meeting.objects.get()
    for member in (city["member"], city["member2"], city["mayor"]):
        _relogin(page, member)
        page.goto(f"{page.base_url}/office/meetings/{meeting.pk}/sign/")
        page.fill("input[name=password]", PASSWORD)
        page.click("text=امضا می‌کنم")
        page.wait_for_selector(".alert-success")
    meeting.refresh_from_db()
    assert meeting.status == "signed"
    assert page.locator("[data-verify=valid]").count() == 1
    screenshot(page, "meetings-signed")

    _relogin(page, city["secretary"])
    page.goto(f"{page.base_url}/office/meetings/{meeting.pk}/sign/")
    page.click("text=ابلاغ مصوبات")
    page.wait_for_selector(".alert-success")
    lead = Directive.objects.filter(role="lead").order_by("id").first()
    assert lead is not None

    _relogin(page, city["head_civil"])
    page.goto(page.base_url + "/office/directives/")
    screenshot(page, "directives-inbox")
    # The inbox is a table on a desk and cards on a phone: click the one shown.
    page.locator(f"a[href='/office/directives/{lead.pk}/']:visible").first.click()
    page.click("button[value=acknowledge]")
    image = tmp_path / "done.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 20)).save(buffer, format="JPEG")
    image.write_bytes(buffer.getvalue())
    page.fill("textarea[name=c-note]", "آسفالت انجام شد")
    page.set_input_files("input[name=c-evidence]", str(image))
    page.click("button[value=complete]")
    page.wait_for_selector(".alert-success")
    screenshot(page, "directive-done")
    lead.refresh_from_db()
    assert lead.status == "done"

    page.goto(page.base_url + f"/decisions/verify/{lead.decision.number}/")
    assert page.locator("[data-verify=valid]").count() == 1
    screenshot(page, "decision-verify")
