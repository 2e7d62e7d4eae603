"""Browser (real Chromium): a Persian percentage is drawn with its sign on the left of the
number («٪۴۰» on screen; «۴۰٪» in reading order), as Iranian usage has it, wherever the
``percent`` filter's output stands: after Persian text, after a Latin date, alone in a cell."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = [pytest.mark.browser]

# Where the sign and the digits are painted, for every percentage on the page.
MEASURE = r"""() => [...document.querySelectorAll('.pct')].map(el => {
  const text = el.querySelector('bdi').firstChild;
  const at = (i, n) => { const r = document.createRange(); r.setStart(text, i);
                         r.setEnd(text, i + n); return r.getBoundingClientRect(); };
  const sign = text.data.indexOf('\u066a');
  const first = text.data.search(/[\u06f0-\u06f9]/);
  return {sign: at(sign, 1).left, digits: at(first, sign - first).left};
})"""


def test_the_percent_sign_is_drawn_left_of_the_number(browser: Any) -> None:
    with translation.override("fa"):
        cells = [
            Template("<p class='pct'>پیشرفت {{ p|percent }} انجام شد</p>"),
            Template("<p class='pct'>1405/09/12 {{ p|percent }}</p>"),
            Template("<p class='pct'>{{ p|percent }}</p>"),
            Template("<p class='pct'>(اطمینان {{ p|percent }})</p>"),
        ]
        html = "".join(t.render(Context({"p": 40})) for t in cells)
    page = browser.new_page()
    try:
        page.set_content(f'<html dir="rtl" lang="fa"><body>{html}</body></html>')
        drawn = page.evaluate(MEASURE)
    finally:
        page.close()
    assert len(drawn) == 4
    for spot in drawn:
        assert spot["sign"] < spot["digits"], drawn
