"""Browser (real Chromium): the mayor's and the secretary's homes, a directive letter and the
minutes as pictures (test-artifacts/*.png), and axe-core on the public and main office pages:
no serious or critical accessibility violation."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from conftest import ARTIFACTS, browser_login, screenshot
from pishkhan.test import PASSWORD, make_city, pdf_page_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser: Any, live_server: Any) -> Any:
    # The site's CSP forbids injected scripts (rightly); the checker's context bypasses it.
    context = browser.new_context(
        locale="fa-IR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): '"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
    )
    return list(result)


class Week:
    """A city with one signed, dispatched meeting whose directives are now overdue, and the
    next week's meeting closed, signed by the members but not yet by the mayor."""

    def __init__(self) -> None:
        from pishkhan.directives import services as directive_services
        from pishkhan.meetings import services as meeting_services
        from pishkhan.meetings.tests.factories import make_case, this_week
        from pishkhan.meetings.tests.test_flow import run_meeting

        city = make_city()
        self.city = city
        t = type("T", (TestCase,), dict(city))
        make_case(city)
        meeting = meeting_services.meeting_for_date(
            municipality=city["municipality"], week_start=this_week()
        )
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=city["secretary"])
        self.meeting = run_meeting(t, meeting)
        directive_services.meeting_dispatch(
            meeting=self.meeting, actor=city["secretary"], now=timezone.now()
        )
        directive_services.directives_mark_overdue(now=timezone.now() + dt.timedelta(days=20))
        from pishkhan.directives.models import Directive

        self.directive = Directive.objects.filter(role="lead").first()


def test_desks_letter_and_minutes_pictures(axe_page: Any) -> None:
    page = axe_page
    # The minutes are sealed with pyHanko, which runs its own asyncio loop: not in the
    # thread where Playwright's loop runs.
    with ThreadPoolExecutor(1) as pool:
        week = pool.submit(Week).result()
    city = week.city
    browser_login(page, city["mayor"], PASSWORD)
    page.wait_for_url("**/office/")
    assert page.locator("#mayor-desk").is_visible()
    page.wait_for_function("window.pishkhanDeskChart !== undefined")
    text = page.locator("#mayor-desk").inner_text()
    assert "قول این هفته" in text
    assert city["civil"].name in text
    screenshot(page, "desk-mayor")
    assert serious_violations(page) == []
    page.goto(page.base_url + "/office/reports/")
    assert page.locator("#overdue-table tbody tr").count() == 2
    screenshot(page, "office-reports")
    assert serious_violations(page) == []

    page.context.clear_cookies()
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    assert page.locator("#secretary-desk").is_visible()
    # her to-do list counts «۱.», «۲.» (Bootstrap's numbered list gave a Latin «1.»)
    marker = page.evaluate(
        "() => getComputedStyle(document.querySelector("
        "'#secretary-desk .list-group-numbered > .list-group-item'), '::before').content"
    )
    assert "persian" in marker, marker
    screenshot(page, "desk-secretary")
    assert serious_violations(page) == []

    ARTIFACTS.mkdir(exist_ok=True)
    from pishkhan.directives.letters import letter_pdf

    # Letters are rendered in the background (or on first request): render this one now.
    week.directive.refresh_from_db()
    pdf_page_png(letter_pdf(week.directive), dpi=80).save(ARTIFACTS / "letter-directive.png")
    week.meeting.refresh_from_db()
    pdf_page_png(week.meeting.minutes_pdf.read(), dpi=80).save(ARTIFACTS / "minutes.png")


PUBLIC = ["/", "/services/", "/track/", "/requests/new/", "/decisions/", "/stats/", "/news/"]
OFFICE = ["/office/", "/office/directives/", "/office/meetings/", "/office/reports/"]


def test_axe_public_and_office_pages(axe_page: Any) -> None:
    page = axe_page
    city = make_city()
    problems = []
    for path in PUBLIC:
        page.goto(page.base_url + path)
        problems += [f"{path}: {v}" for v in serious_violations(page)]
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    for path in OFFICE:
        page.goto(page.base_url + path)
        problems += [f"{path}: {v}" for v in serious_violations(page)]
    page.context.clear_cookies()
    browser_login(page, city["manager1"], PASSWORD)
    page.wait_for_url("**/office/")
    for path in ("/office/cases/inbox/", "/office/cases/register/"):
        page.goto(page.base_url + path)
        problems += [f"{path}: {v}" for v in serious_violations(page)]
    assert problems == [], "\n".join(problems)
