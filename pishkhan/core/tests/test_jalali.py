import datetime as dt

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.core import jalali
from pishkhan.core.forms import JalaliDateField


class JalaliTests(SimpleTestCase):
    def test_week_starts_on_saturday(self):
        # 2026-11-29 is a Sunday; its week starts Saturday 2026-11-28 (8 Azar 1405).
        self.assertEqual(jalali.week_start(dt.date(2026, 11, 29)), dt.date(2026, 11, 28))
        self.assertEqual(jalali.week_start(dt.date(2026, 11, 28)), dt.date(2026, 11, 28))
        self.assertEqual(jalali.week_start(dt.date(2026, 12, 4)), dt.date(2026, 11, 28))  # Friday
        self.assertEqual(jalali.sat_weekday(dt.date(2026, 12, 2)), 4)  # Wednesday

    def test_week_label_first_week_contains_nowruz(self):
        # 1 Farvardin 1405 = 2026-03-21 (a Saturday): week 1 of 1405.
        self.assertEqual(jalali.week_label(dt.date(2026, 3, 21)), (1405, 1))
        self.assertEqual(
            jalali.week_label(dt.date(2026, 3, 14)), (1404, 53)
        )  # 1404 has 53 Friday-ended weeks
        self.assertEqual(jalali.week_label(dt.date(2026, 11, 28))[0], 1405)

    def test_filters_persian_digits_and_month_names(self):
        t = Template("{{ d|jdate }} | {{ d|jdate:'long' }} | {{ n|fanum }} | {{ t|jdatetime }}")
        ctx = Context(
            {
                "d": dt.date(2026, 11, 29),
                "n": 12345,
                "t": dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC),
            }
        )
        with translation.override("fa"):
            out = t.render(ctx)
        self.assertIn("۱۴۰۵/۰۹/۰۸", out)
        self.assertIn("یکشنبه ۸ آذر ۱۴۰۵", out)
        self.assertIn("۱۲٬۳۴۵", out)
        self.assertIn("ساعت ۱۳:۳۰", out)  # 10:00 UTC is 13:30 in Tehran
        with translation.override("en"):
            out = t.render(ctx)
        self.assertIn("1405/09/08", out)
        self.assertIn("Sunday 8 Azar 1405", out)
        self.assertIn("1405/09/08 13:30", out)
        with translation.override("fa"):  # the per-day cache keeps the languages apart
            self.assertIn("۱۴۰۵/۰۹/۰۸ ساعت ۱۳:۳۰", t.render(ctx))

    def test_shorten_cuts_long_text_and_escapes(self):
        t = Template("{{ s|shorten:10 }}|{{ short|shorten:10 }}|{{ none|shorten:3 }}")
        out = t.render(
            Context({"s": "چاله‌ی عمیق <b>جلوی</b> مدرسه", "short": "کوتاه", "none": None})
        )
        self.assertEqual(out, "چاله‌ی عم…|کوتاه|")  # ten characters with the ellipsis
        out = Template("{{ s|shorten:40 }}").render(Context({"s": "<script>x</script>"}))
        self.assertEqual(out, "&lt;script&gt;x&lt;/script&gt;")

    def test_jalali_input_accepts_latin_and_persian_digits(self):
        field = JalaliDateField()
        self.assertEqual(field.clean("1405/09/08"), dt.date(2026, 11, 29))
        self.assertEqual(field.clean("۱۴۰۵/۰۹/۰۸"), dt.date(2026, 11, 29))
        self.assertEqual(field.clean("1405-9-8"), dt.date(2026, 11, 29))

    def test_jalali_input_rejects_nonsense_in_persian(self):
        field = JalaliDateField()
        for bad in ["1405/13/01", "1405/12/31", "tomorrow", "2026-11-29x"]:
            with self.assertRaises(Exception) as ctx:
                field.clean(bad)
            self.assertTrue(any("تاریخ" in m for m in ctx.exception.messages), bad)

    @given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)))
    def test_parse_round_trips_format(self, day):
        self.assertEqual(jalali.parse_jalali_date(jalali.format_date(day, lang="fa")), day)
        self.assertEqual(jalali.week_start(day).weekday(), 5)


class NumberFilterTests(SimpleTestCase):
    """Decimals and percentages in Persian: «۱٫۵», «۴۰٪» (isolated); English keeps «1.5», «40%»."""

    def test_decimal_point_and_percent(self) -> None:
        t = Template("{{ km|floatformat:1|fanum }} | {{ p|percent }} | {{ d|fanum }}")
        ctx = Context({"km": 1.5, "p": 40, "d": "1405/09/08"})
        with translation.override("fa"):
            out = t.render(ctx)
        self.assertEqual(out, '۱٫۵ | <bdi dir="rtl">\u061c۴۰٪</bdi> | ۱۴۰۵/۰۹/۰۸')
        with translation.override("en"):
            self.assertEqual(t.render(ctx), "1.5 | 40% | 1405/09/08")
