"""Browser, 390 px phone: a department staff member works a directive; the head confirms it."""

from __future__ import annotations

import contextlib
import importlib
import threading
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from conftest import browser_login, screenshot
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import user_create
from pishkhan.cases.models import Attachment
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.test import PASSWORD, make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _city_with_directive():
    cache.clear()
    if not Group.objects.exists():
        seed = importlib.import_module("pishkhan.accounts.migrations.0002_seed_roles")
        seed.seed_roles(django_apps, None)
    city = make_city()
    staff = user_create(
        mobile="+989990000777",
        full_name="کارمند عمران",
        password=PASSWORD,
        role=Role.DEPARTMENT_STAFF,
        municipality=city["municipality"],
        department=city["civil"],
    )
    case = make_case(city)
    Attachment.objects.create(
        case=case, file=photo("citizen.jpg"), content_type="image/jpeg", size=10
    )
    meeting = meeting_services.meeting_for_date(
        municipality=city["municipality"], week_start=this_week()
    )
    meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=city["secretary"])
    # a transactional test commits as it goes: on_commit callbacks (the seal) run at once
    test = SimpleNamespace(**city, captureOnCommitCallbacks=lambda **kw: contextlib.nullcontext())
    meeting = run_meeting(test, meeting)
    services.meeting_dispatch(meeting=meeting, actor=city["secretary"], now=timezone.now())
    return city, staff, case, Directive.objects.get(role="lead")


def _in_thread(fn):
    """Signing the minutes (pyhanko) runs its own asyncio loop, which cannot start inside
    Playwright's: the set-up runs in a thread of its own."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        finally:
            from django.db import connection

            connection.close()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out["value"]


def test_department_staff_works_a_directive_on_a_phone(phone_page, tmp_path):
    page = phone_page
    city, staff, case, lead = _in_thread(_city_with_directive)
    browser_login(page, staff, PASSWORD)
    page.wait_for_url("**/office/**")
    page.goto(page.base_url + "/office/directives/")
    card = page.locator("#directive-cards li.card").first
    assert card.is_visible()
    assert "روز" in card.locator(".days-left").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "directives-inbox-phone")
    card.locator("a").click()
    page.wait_for_url(f"**/office/directives/{lead.pk}/")
    assert page.locator(".site-address").inner_text().strip() == case.address
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.citizen-photo')].every(i => i.naturalWidth > 0)"
    )
    page.click("button[value=acknowledge]")
    page.wait_for_load_state()
    path = tmp_path / "done.jpg"
    Image.new("RGB", (200, 150), (40, 120, 40)).save(path)
    page.fill("#id_c-note", "آسفالت ترمیم و لبه‌ها صاف شد")
    page.set_input_files("#id_c-evidence", str(path))
    page.click("button[value=complete]")
    page.wait_for_load_state()
    lead.refresh_from_db()
    case.refresh_from_db()
    assert lead.status == "awaiting" and case.status != "done"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "directives-detail-phone-awaiting")

    page.context.clear_cookies()
    browser_login(page, city["head_civil"], PASSWORD)
    page.wait_for_url("**/office/**")
    page.goto(page.base_url + f"/office/directives/{lead.pk}/")
    page.click("#confirm-box button[value=confirm]")
    page.wait_for_load_state()
    lead.refresh_from_db()
    case.refresh_from_db()
    assert lead.status == "done" and case.status == "done"
    screenshot(page, "directives-detail-phone-confirmed")
