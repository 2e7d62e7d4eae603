"""Dates typed in Jalali and numbers typed in Persian/Arabic-Indic digits, also in the admin."""

from __future__ import annotations

import datetime as dt

from django import forms

from pishkhan.core.forms import PersianIntegerField
from pishkhan.core.text import fa_number, ltr_isolate
from pishkhan.cycle.models import Holiday
from pishkhan.test import BaseTestCase


class PersianNumberTests(BaseTestCase):
    def test_integer_field_accepts_every_digit_set(self) -> None:
        class F(forms.Form):
            n = PersianIntegerField(min_value=0, max_value=99)

        for typed, value in (("۴۰", 40), ("٤٠", 40), ("40", 40), (" ۹۹٪ ", 99), ("۰", 0)):
            form = F({"n": typed})
            self.assertTrue(form.is_valid(), typed)
            self.assertEqual(form.cleaned_data["n"], value)
        self.assertFalse(F({"n": "۱۰۰"}).is_valid())
        self.assertFalse(F({"n": "چهل"}).is_valid())
        self.assertIn('type="text"', str(F()["n"]))

    def test_number_and_isolation_helpers(self) -> None:
        self.assertEqual(fa_number(45000000), "۴۵٬۰۰۰٬۰۰۰")
        self.assertEqual(fa_number(45000000, lang="en"), "45,000,000")
        self.assertEqual(fa_number(2.5), "۲٫۵")
        self.assertEqual(ltr_isolate("1405-37-35-1"), "\u20661405-37-35-1\u2069")

    def test_admin_holiday_in_jalali_with_persian_digits(self) -> None:
        self.login(self.admin)
        page = self.client.get("/admin/cycle/holiday/add/")
        self.assertContains(page, "jalali-date")
        response = self.client.post(
            "/admin/cycle/holiday/add/",
            {
                "municipality": self.m.pk,
                "date": "۱۴۰۵/۰۹/۲۰",
                "name": "تعطیلی آلودگی هوا",
                "source": "manual",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        holiday = Holiday.objects.get(name="تعطیلی آلودگی هوا")
        self.assertEqual(holiday.date, dt.date(2026, 12, 11))
        response = self.client.post(
            "/admin/cycle/holiday/add/",
            {"municipality": self.m.pk, "date": "2026-12-12", "name": "غلط", "source": "manual"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "۱۴۰۵/۰۹/۰۸")  # the message shows the expected shape
        self.assertFalse(Holiday.objects.filter(name="غلط").exists())
