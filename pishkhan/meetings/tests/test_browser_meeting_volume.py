"""Browser: the secretary runs a 100-item meeting as on a real Wednesday (issue #15, must show).

70 items decided by consent (a member pulls one out first; it is decided on its own), 30 one by
one from forms that start from the visit's proposal (the secretary changes only what the meeting
changes), three members entering their own positions from their own devices, the minutes reopened
before sealing (the signature already given is voided), then signed and sealed: the sealed PDF
carries the named roll call.

The 100 items are built with the services (not through the browser); everything the secretary
and the members decide is done in Chromium. Runtime on the shared 2-core machine: see the
module's docstring in the final report (about a minute).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, browser_login, screenshot
from pishkhan.core.jalali import format_date
from pishkhan.meetings import services
from pishkhan.meetings.models import AgendaItem, Decision, Meeting, Position, Signature
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_floor import pdf_words
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, make_city, pdf_text
from pishkhan.visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = 100
DISCUSSED = 29  # items 1..29 are discussed; 30..100 (71) go on the consent list
PULLED = 41  # a consent item a member pulls out: 70 decided by consent, 30 one by one


def _hundred_items(city: dict[str, Any]) -> Meeting:
    """A frozen meeting of 100 items, each with one case whose visit proposed a decision."""
    start = this_week()
    meeting = services.meeting_for_date(municipality=city["municipality"], week_start=start)
    departments = (city["civil"], city["green"])
    for n in range(1, ITEMS + 1):
        case = make_case(city, address=f"خیابان آزمون، پلاک {n}")
        Visit.objects.create(
            municipality=city["municipality"],
            case=case,
            week_start=start,
            manager=city["senior"],
            day=start,
            status="reported",
            recommendation="approve" if n % 10 else "reject",
            proposed_text=f"پیشنهاد بازدید برای دستور {n}",
            urgency=3 if n % 3 == 0 else 2,
            lead_department=departments[n % 2],
        )
        item = AgendaItem.objects.create(
            meeting=meeting,
            number=n,
            title=f"درخواست {n}",
            summary=f"بازدید: پیشنهاد برای دستور {n}",
            district=city["d1"],
            service=city["pothole"],
            lat=case.lat,
            lon=case.lon,
        )
        item.cases.add(case)
    services.agenda_freeze(meeting=meeting, now=timezone.now(), actor=city["secretary"])
    meeting.refresh_from_db()
    return meeting


def _member_page(browser: Any, base_url: str, user: Any) -> Any:
    context = browser.new_context(locale="fa-IR", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = base_url
    browser_login(page, user, PASSWORD)
    page.wait_for_url("**/office/**")
    return page


def _open(page: Any, item: AgendaItem) -> Any:
    """Open an item's form from its row with the keyboard (Enter); the card replaces the row."""
    row = page.locator(f"li.item-row#item-{item.pk}")
    row.focus()
    page.keyboard.press("Enter")
    card = page.locator(f"section.item-card#item-{item.pk}")
    card.wait_for()
    return card


def _consent(page: Any, action: str, *, role: str = "status") -> str:
    """Press a consent-list button; htmx swaps the list in place: return its message."""
    page.evaluate("document.querySelectorAll('[data-floor-message]').forEach(e => e.remove())")
    page.click(f"#consent-form button[value={action}]")
    message = page.locator(f"[role={role}][data-floor-message]")
    message.wait_for()
    return str(message.inner_text())


def _save(page: Any, card: Any, item: AgendaItem) -> None:
    card.locator("textarea").press("Control+Enter")  # keyboard: save in place (htmx)
    page.locator(f"#item-{item.pk} [data-decided] ~ [role=status]").wait_for()


def test_secretary_runs_a_hundred_item_meeting(page, browser, live_server):  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    city = make_city()
    meeting = _hundred_items(city)
    items = {i.number: i for i in meeting.items.all()}
    base = page.base_url
    day = meeting.scheduled_at.date()

    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/**")
    page.goto(f"{base}/office/meetings/{meeting.pk}/session/")
    page.click("button[value=start]")  # the roll: every voting member ticked by default
    page.wait_for_selector("#consent-form")

    # ---- consent list: mark every uncontested proposal, then take out the 30 to discuss
    assert "۱۰۰" in _consent(page, "uncontested")
    assert page.locator(".consent-box:checked").count() == ITEMS  # every proposal is complete
    for n in range(1, DISCUSSED + 1):
        box = page.locator(f"#item-{items[n].pk} .consent-box")
        if box.is_checked():
            page.locator(f"#item-{items[n].pk}").focus()
            page.keyboard.press("x")  # keyboard: x toggles the mark
    assert "۷۱" in _consent(page, "mark")
    marked = set(
        AgendaItem.objects.filter(meeting=meeting, consent=True).values_list("number", flat=True)
    )
    assert marked == set(range(DISCUSSED + 1, ITEMS + 1))

    # ---- the members follow on their own devices; one pulls a consent item out for discussion
    members = [_member_page(browser, base, city[k]) for k in ("member", "member2", "mayor")]
    for m in members:
        m.goto(f"{base}/office/meetings/{meeting.pk}/live/")
    # The projector's tab: the list as it stood before the pull (item 41 still ticked).
    projector = page.context.new_page()
    projector.goto(f"{base}/office/meetings/{meeting.pk}/session/")
    _open(page, items[PULLED])  # on the table: the members' devices follow it
    pull = members[0].locator("text=این دستور را برای بحث بیرون بکش")
    pull.wait_for(timeout=10000)
    # the item's place on the member's map (Leaflet), kept across the 3 s polls
    live_map = members[1].locator(f"#live-map-{items[PULLED].pk}.leaflet-container")
    live_map.wait_for(timeout=10000)
    assert live_map.locator(".leaflet-marker-icon").count() == 1
    live_map.evaluate("el => { el.dataset.drawn = 'once'; }")
    members[1].wait_for_timeout(3500)  # one poll of the live fragment
    assert live_map.get_attribute("data-drawn") == "once"  # not redrawn by the poll
    pull.click()
    members[0].wait_for_selector(".alert-success")
    assert AgendaItem.objects.get(pk=items[PULLED].pk).pulled_by_id == city["member"].pk

    # Deciding the list from the stale tab: refused with the reason, nothing written, and the
    # list comes back (no reload) with the pulled item unticked and named, the other marks kept.
    assert projector.locator(f"#item-{items[PULLED].pk} .consent-box").is_checked()
    refused = _consent(projector, "decide", role="alert")
    assert "دستورهای ۴۱ برای بحث بیرون کشیده شده" in refused
    assert not Decision.objects.filter(item__meeting=meeting).exists()
    assert projector.locator(f"#item-{items[PULLED].pk} [data-pulled]").count() == 1
    assert projector.locator(".consent-box:checked").count() == ITEMS - DISCUSSED - 1
    screenshot(projector, "meeting-volume-refused")
    projector.close()

    t_consent = time.monotonic()
    assert "۷۰" in _consent(page, "decide")
    consent_s = time.monotonic() - t_consent
    assert Decision.objects.filter(item__meeting=meeting).count() == 70
    assert page.locator("li.item-row [data-decided]").count() == 70
    assert "۷۰" in page.locator("[data-progress]").inner_text()
    screenshot(page, "meeting-volume-consent")

    # ---- 30 one by one (and the pulled one): the form starts from the visit's proposal
    discussed = [*range(1, DISCUSSED + 1), PULLED]  # 29 + the pulled one = 30
    changed = {3: "text", 7: "deadline", 12: "outcome"}
    t_one = time.monotonic()
    for n in discussed:
        item = items[n]
        card = _open(page, item)
        text = card.locator("textarea[name$=text]")
        assert text.input_value() == f"پیشنهاد بازدید برای دستور {n}"
        outcome = "approve" if n % 10 else "reject"
        assert card.locator(f"input[name$=outcome][value={outcome}]").is_checked()
        if outcome == "approve":
            lead = city["civil"] if n % 2 == 0 else city["green"]
            assert card.locator("select[name$=lead_department]").input_value() == str(lead.pk)
            days = 7 if n % 3 == 0 else 14
            expected = format_date(day + dt.timedelta(days=days), lang="en")
            assert card.locator("input[name$=deadline]").input_value() == expected
        if changed.get(n) == "text":
            text.fill("پیشنهاد بازدید با اصلاح جلسه: آسفالت کامل معبر")
        elif changed.get(n) == "deadline":
            card.locator("input[name$=deadline]").fill(
                format_date(day + dt.timedelta(days=45), lang="fa")
            )
        elif changed.get(n) == "outcome":
            card.locator("input[name$=outcome][value=refer]").check()
            card.locator("input[name$=refer_until]").fill(
                format_date(day + dt.timedelta(days=21), lang="en")
            )
        _save(page, card, item)
    one_s = time.monotonic() - t_one
    assert Decision.objects.filter(item__meeting=meeting).count() == ITEMS
    assert Decision.objects.get(item=items[3]).text.startswith("پیشنهاد بازدید با اصلاح جلسه")
    assert Decision.objects.get(item=items[7]).deadline == day + dt.timedelta(days=45)
    assert Decision.objects.get(item=items[12]).outcome == "refer"
    assert Decision.objects.get(item=items[5]).text == "پیشنهاد بازدید برای دستور 5"

    # ---- three members record their own positions on the item on the table
    voted = items[PULLED]
    # the last item decided is still on the table: the members' devices show it
    assert Meeting.objects.get(pk=meeting.pk).current_item_id == voted.pk
    stances = (("agree", ""), ("disagree", "بودجهٔ این فصل کافی نیست"), ("abstain", ""))
    for m, (stance, note) in zip(members, stances, strict=True):
        m.locator(f"#live-current[data-current='{voted.pk}'] .position-form").wait_for(
            timeout=10000
        )
        m.locator(f".position-form input[value={stance}]").check()
        if note:
            m.fill(".position-form input[name=p-note]", note)
        m.click(".position-form button")
        m.wait_for_selector("[data-mine]")
    # a second position from the same member: refused, the first stays
    again = members[0].request.post(
        f"{base}/office/meetings/{meeting.pk}/decisions/{voted.decision.pk}/position/",
        form={"p-stance": "disagree"},
        headers={"X-CSRFToken": _csrf(members[0]), "HX-Request": "true"},
    )
    assert "پیش‌تر ثبت شده" in again.text()
    mine = Position.objects.filter(decision__item=voted)
    assert dict(mine.values_list("member_id", "stance")) == {
        city["member"].pk: "agree",
        city["member2"].pk: "disagree",
        city["mayor"].pk: "abstain",
    }
    assert all(p.recorded_by_id == p.member_id for p in mine)  # from their own sessions
    page.locator(f"#tally-{voted.pk} [data-disagreed='1']").wait_for(timeout=10000)  # live
    screenshot(members[1], "meeting-volume-member")
    screenshot(page, "meeting-volume-tally")

    # ---- close; one member signs; the secretary reopens before sealing
    page.click("button[value=close]")
    page.wait_for_url("**/sign/")
    signer = members[0]
    signer.goto(f"{base}/office/meetings/{meeting.pk}/sign/")
    signer.fill("input[name=password]", PASSWORD)
    signer.click("text=امضا می‌کنم")
    signer.wait_for_selector(".alert-success")
    assert Signature.objects.filter(meeting=meeting).count() == 1
    page.goto(f"{base}/office/meetings/{meeting.pk}/sign/")
    page.fill("textarea[name=reopen-reason]", "مهلت دستور ۴۱ در جلسه ۳۰ روز گفته شد")
    page.click("[data-reopen]")
    page.wait_for_url("**/session/")
    assert not Signature.objects.filter(meeting=meeting).exists()  # voided
    # The meeting changes the discussed item's deadline: the positions taken on the old terms
    # no longer stand; the members are told and record them again on their devices.
    card = _open(page, voted)
    card.locator("input[name$=deadline]").fill(format_date(day + dt.timedelta(days=30), lang="en"))
    _save(page, card, voted)
    assert Decision.objects.get(item=voted).deadline == day + dt.timedelta(days=30)
    assert not Position.objects.filter(decision__item=voted).exists()
    assert Message.objects.filter(template="meetings/messages/positions_cleared").count() >= 3
    members[0].goto(f"{base}/office/meetings/{meeting.pk}/live/")  # back from signing
    for m, (stance, _note) in zip(members, stances, strict=True):
        m.locator(f"#live-current[data-current='{voted.pk}'] .position-form").wait_for(
            timeout=10000
        )
        assert m.locator("[data-cleared]").count() == 1  # told why they are asked again
        m.locator(f".position-form input[value={stance}]").check()
        m.click(".position-form button")
        m.wait_for_selector("[data-mine]")
    page.click("button[value=close]")
    page.wait_for_url("**/sign/")

    # ---- everyone signs again, the mayor last; the minutes are sealed
    for m in members:
        m.goto(f"{base}/office/meetings/{meeting.pk}/sign/")
        m.fill("input[name=password]", PASSWORD)
        m.click("text=امضا می‌کنم")
        m.wait_for_selector(".alert-success")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SIGNED
    response = page.request.get(f"{base}/office/meetings/{meeting.pk}/minutes.pdf")
    assert response.status == 200
    words = pdf_words(pdf_text(response.body()))
    (ARTIFACTS / "meeting-volume-minutes.txt").write_text(words)
    # the named roll call of the discussed item (the only one with a dissent and an abstention)
    assert "مخالف: معاون دوم (عضو پیشخوان" in words
    assert "ممتنع: شهردار (شهردار)" in words
    # 70 consent items and the discussed one: agreement named; the 29 others: no position given
    assert words.count("موافق: معاون (عضو پیشخوان") == 71
    assert words.count("بدون نظر: معاون (عضو پیشخوان") == 29
    assert "بازگشایی پیش از مهر" in words  # the reopening is on the minutes, with its reason
    assert "مهلتدستور۴۱درجلسه۳۰روزگفتهشد" in words.replace(" ", "")  # pdftotext drops spaces
    print(  # noqa: T201
        f"\n100-item meeting: {time.monotonic() - t0:.1f} s in all; consent of 70 items "
        f"{consent_s:.2f} s; 30 one by one {one_s:.1f} s"
    )
    for m in members:
        m.context.close()


def _csrf(page: Any) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
