"""Browser (real Chromium): reference numbers (directive, decision and meeting numbers) read
left to right as drawn, not only in the HTML. After Persian text a number like «1405-37-35-1»
in Persian digits is Arabic-number text to the bidi algorithm, and without isolation its groups
are drawn in reverse («1-35-37-1405»). The check measures where each digit group is painted
(Range.getBoundingClientRect) and fails when a later group stands left of an earlier one; it is
tried on the same pages with the isolation stripped, where it must find reversed numbers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from conftest import browser_login, screenshot
from pishkhan.office.tests.test_browser_desks import Week
from pishkhan.test import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every rendered reference number on the page: painted position of each digit group.
MEASURE = r"""() => {
  const re = /[0-9\u06f0-\u06f9]{4}(?:-[0-9\u06f0-\u06f9]{1,3})+/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = {checked: [], afterPersian: [], reversed: []};
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script,style,template,textarea,select,option')) continue;
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(node.data))) {
      const rects = [];
      let offset = m.index;
      for (const group of m[0].split('-')) {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + group.length);
        rects.push(range.getBoundingClientRect());
        offset += group.length + 1;
      }
      if (rects.some(r => r.width === 0)) continue;  // not painted (hidden)
      if (new Set(rects.map(r => Math.round(r.top / 4))).size > 1) continue;  // wrapped
      const where = parent.closest('td,th,li,p,h1,h2,h3,h4,h5,div,dd,dt,caption') || parent;
      const text = where.textContent.trim().replace(/\s+/g, ' ').slice(0, 70);
      const label = m[0] + ' in «' + text + '»';
      // After Persian text: the last letter before the number (in its block) is Persian.
      const before = document.createRange();
      before.setStart(where, 0);
      before.setEnd(node, m.index);
      const letters = before.toString().match(/[A-Za-z\u0621-\u064a\u067e-\u06d3]/g) || [];
      const afterPersian = letters.length > 0 && !/[A-Za-z]/.test(letters[letters.length - 1]);
      out.checked.push(label);
      if (afterPersian) out.afterPersian.push(label);
      for (let i = 1; i < rects.length; i++) {
        if (rects[i].left < rects[i - 1].left) { out.reversed.push(label); break; }
      }
    }
  }
  return out;
}"""

# The same page with every isolation taken away: <bdi>, dir="ltr", LRI…PDI and unicode-bidi.
STRIP = r"""() => {
  document.querySelectorAll('body bdi').forEach(
    b => b.replaceWith(document.createTextNode(b.textContent)));
  document.querySelectorAll('body [dir]').forEach(e => e.removeAttribute('dir'));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    node.data = node.data.replace(/[\u2066-\u2069\u200e\u200f]/g, '');
  }
  const style = document.createElement('style');
  style.textContent =
    'body * { unicode-bidi: normal !important; direction: inherit !important; }';
  document.head.appendChild(style);
  document.body.normalize();
}"""


def test_reference_numbers_are_drawn_left_to_right(page: Any) -> None:
    with ThreadPoolExecutor(1) as pool:  # the minutes' seal runs its own asyncio loop
        week = pool.submit(Week).result()
    city = week.city
    directive = week.directive
    meeting = week.meeting
    decision = directive.decision
    pages = [
        "/office/",
        "/office/directives/",
        f"/office/directives/{directive.pk}/",
        "/office/meetings/",
        f"/office/meetings/{meeting.pk}/",
        f"/office/meetings/{meeting.pk}/sign/",
        "/office/reports/",
        "/decisions/",
        f"/decisions/verify/{decision.number}/",
        f"/decisions/verify/?meeting={meeting.number}",
    ]
    browser_login(page, city["secretary"], PASSWORD)
    page.wait_for_url("**/office/")
    checked: list[str] = []
    after_persian: list[str] = []
    reversed_: list[str] = []
    stripped_reversed: list[str] = []
    for path in pages:
        page.goto(page.base_url + path)
        found = page.evaluate(MEASURE)
        checked += [f"{path}: {x}" for x in found["checked"]]
        after_persian += [f"{path}: {x}" for x in found["afterPersian"]]
        reversed_ += [f"{path}: {x}" for x in found["reversed"]]
        if path == f"/office/directives/{directive.pk}/":
            screenshot(page, "reference-order-isolated")
        page.evaluate(STRIP)
        stripped_reversed += [f"{path}: {x}" for x in page.evaluate(MEASURE)["reversed"]]
        if path == f"/office/directives/{directive.pk}/":
            screenshot(page, "reference-order-stripped")
    report = "\n".join(["checked:", *checked, "after Persian:", *after_persian])

    def shown(number: str, where: list[str]) -> bool:
        persian = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        return any(f": {persian} in" in c or f": {number} in" in c for c in where)

    # The pages really show the numbers: directive and meeting numbers after Persian text
    # («ابلاغیهٔ …», «دستور جلسهٔ …», «صورتجلسهٔ جلسهٔ …»), the decision number in its cells.
    assert shown(directive.number, after_persian), report
    assert shown(meeting.number, after_persian), report
    assert shown(decision.number, checked), report
    assert reversed_ == [], "\n".join(reversed_)
    # The check can fail: without the isolation every number after Persian text is reversed.
    assert sorted(stripped_reversed) == sorted(after_persian), (
        report + "\nreversed without isolation:\n" + "\n".join(stripped_reversed)
    )
