import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from pishkhan.core.text import clean_input, normalize_fa, strip_controls, to_ascii_digits, xml_safe
from pishkhan.core.validators import (
    is_valid_national_id,
    mask_mobile,
    normalize_mobile,
    normalize_national_id,
)


class NormalizeTests(SimpleTestCase):
    def test_arabic_letters_and_digits_unified(self):
        self.assertEqual(normalize_fa("كوچه علي ۱۲٣"), "کوچه علی 123")

    def test_harakat_tatweel_zwnj_removed_for_search(self):
        self.assertEqual(normalize_fa("مـــیدانِ\u200cشهر"), "میدان شهر")

    def test_clean_input_keeps_zwnj_and_typed_digits(self):
        self.assertEqual(clean_input(" می\u200cخواهم ۱۲ ك "), "می\u200cخواهم ۱۲ ک")

    def test_clean_input_drops_control_characters(self):
        self.assertEqual(clean_input("چاله\x00\x01\x1b[1m بزرگ\x7f\x9b"), "چاله[1m بزرگ")
        self.assertEqual(
            clean_input("یک\r\nدو\rسه\u2028چهار\x0bپنج\tشش"), "یک\nدو\nسه\nچهار پنج\tشش"
        )
        self.assertEqual(clean_input("a\ud800b\ufffe\uffffc"), "abc")

    @given(st.text())
    def test_cleaned_text_is_legal_xml(self, text):
        cleaned = clean_input(text)
        self.assertEqual(xml_safe(cleaned), cleaned)
        self.assertEqual(strip_controls(cleaned), cleaned)
        ET.fromstring(f"<a>{escape(cleaned)}</a>")  # noqa: S314 — our own string

    @given(st.text())
    def test_normalize_is_idempotent(self, text):
        once = normalize_fa(text)
        self.assertEqual(normalize_fa(once), once)

    @given(st.text(alphabet="يكىئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ ابپ"))
    def test_no_arabic_forms_survive(self, text):
        out = normalize_fa(text)
        for ch in "يكى٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹":
            self.assertNotIn(ch, out)


class MobileTests(SimpleTestCase):
    def test_accepted_forms_become_e164(self):
        for raw in [
            "09121234567",
            "۰۹۱۲۱۲۳۴۵۶۷",
            "+989121234567",
            "00989121234567",
            "9121234567",
            "0912 123 4567",
        ]:
            self.assertEqual(normalize_mobile(raw), "+989121234567", raw)

    def test_rejected_with_persian_message(self):
        for raw in ["", "0212345678", "0912123456", "091212345678", "abc", "<script>"]:
            with self.assertRaises(ValidationError) as ctx:
                normalize_mobile(raw)
            self.assertIn("شمارهٔ همراه", ctx.exception.messages[0])

    def test_mask(self):
        self.assertEqual(mask_mobile("+989121234567"), "0912***4567")


class NationalIdTests(SimpleTestCase):
    def test_valid_codes(self):
        for code in ["0499370899", "0790419904", "۰۴۹۹۳۷۰۸۹۹"]:
            self.assertTrue(is_valid_national_id(code), code)

    def test_invalid_codes(self):
        for code in ["0499370898", "1111111111", "123", "", "abcdefghij"]:
            self.assertFalse(is_valid_national_id(code), code)

    def test_normalize_raises_persian(self):
        with self.assertRaises(ValidationError) as ctx:
            normalize_national_id("0499370898")
        self.assertIn("کد ملی", ctx.exception.messages[0])

    # Digits people type: Latin, Persian, Arabic-Indic, mixed.
    @given(st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", min_size=9, max_size=9))
    def test_exactly_one_check_digit_is_valid(self, body):
        valid = [d for d in "0123456789" if is_valid_national_id(body + d)]
        # "۱١1…" is one digit repeated in three scripts: all-same numbers are refused.
        if len(set(to_ascii_digits(body))) > 1:
            self.assertEqual(len(valid), 1)

    def test_digits_of_other_scripts_are_refused(self):
        self.assertEqual(normalize_mobile("۰۹۱۲۱۲۳۴۵۶۷"), "+989121234567")
        with self.assertRaises(ValidationError):
            normalize_mobile("०९१२१२३४५६७")
        # Devanagari digits are Unicode digits too, but would be stored as typed.
        self.assertTrue(is_valid_national_id("0499370899"))
        self.assertFalse(is_valid_national_id("०४९९३७०८९९"))
