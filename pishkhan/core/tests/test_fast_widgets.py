from django import forms
from django.test import SimpleTestCase
from django.utils import translation

from pishkhan.cases.models import Case
from pishkhan.core.choices import choice_label
from pishkhan.core.forms import FastSelect, FastTextInput, JalaliDateInput


class FastSelectTests(SimpleTestCase):
    def test_renders_what_djangos_select_renders(self):
        choices = [("", "— همه —"), ("a", "الف & ب"), ("b", '<script>"x"</script>'), (3, "سه")]
        groups = [("گروه ۱", [("x", "ایکس")]), ("y", "وای")]
        for options, value, attrs in (
            (choices, "a", {"class": "form-select", "id": "id_s"}),
            (choices, None, {"required": True, "disabled": False}),
            (choices, 3, {}),
            (groups, "x", {"data-x": "1"}),
        ):
            with self.subTest(value=value):
                expected = forms.Select(choices=options).render("s", value, attrs=attrs)
                got = FastSelect(choices=options).render("s", value, attrs=attrs)
                self.assertHTMLEqual(got, expected)
                self.assertNotIn("<script>", got)


class FastInputTests(SimpleTestCase):
    def test_renders_what_djangos_input_renders(self):
        cases = [
            ("چاله", {"class": "form-control", "id": "id_q", "maxlength": "200"}),
            (None, {"required": True, "disabled": False}),
            ('"><script>x</script>', {"placeholder": "جستجو & یافتن"}),
            ("", {}),
        ]
        for value, attrs in cases:
            with self.subTest(value=value):
                expected = forms.TextInput().render("q", value, attrs=attrs)
                got = FastTextInput().render("q", value, attrs=attrs)
                self.assertHTMLEqual(got, expected)
                self.assertNotIn("<script>", got)

    def test_jalali_date_input_keeps_its_attributes_and_jalali_value(self):
        import datetime as dt

        with translation.override("fa"):
            got = JalaliDateInput().render("d", dt.date(2026, 11, 29))
            expected = forms.TextInput(JalaliDateInput().attrs).render("d", "1405/09/08")
        self.assertHTMLEqual(got, expected)
        self.assertIn('value="1405/09/08"', got)


class ChoiceLabelTests(SimpleTestCase):
    def test_labels_follow_the_active_language(self):
        case = Case(status=Case.Status.ACCEPTED, channel=Case.Channel.WEB)
        with translation.override("fa"):
            self.assertEqual(case.get_status_display(), str(Case.Status.ACCEPTED.label))
            fa = case.get_channel_display()
        with translation.override("en"):
            self.assertEqual(case.get_status_display(), "Accepted")
            self.assertNotEqual(case.get_channel_display(), fa)
        self.assertEqual(choice_label(Case.Status, "no-such-state"), "no-such-state")
