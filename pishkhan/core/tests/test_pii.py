"""The personal-number detector (issue 13 item 5): true positives in every digit script and
grouping people type, and the near misses that public text is full of."""

from django.test import SimpleTestCase

from pishkhan.core.pii import find_pii, is_national_id, mask_pii

# (text, kinds found, masked text)
FOUND = [
    ("09121234567", ["mobile"], "***********"),
    ("تماس: ۰۹۱۲۱۲۳۴۵۶۷ لطفاً", ["mobile"], "تماس: *********** لطفاً"),
    ("تلفن:٠٩١٢١٢٣٤٥٦٧", ["mobile"], "تلفن:***********"),
    ("شماره‌ام۰۹۳۵۱۲۳۴۵۶۷است", ["mobile"], "شماره‌ام***********است"),
    ("0912 123 4567", ["mobile"], "**** *** ****"),
    ("0912-123-4567", ["mobile"], "****-***-****"),
    ("۰۹۱۲ ۱۲۳ ۴۵ ۶۷", ["mobile"], "**** *** ** **"),
    ("+989121234567", ["mobile"], "+************"),
    ("+98 912 123 4567", ["mobile"], "+** *** *** ****"),
    ("00989121234567", ["mobile"], "**************"),
    ("0098-912-1234567", ["mobile"], "****-***-*******"),
    ("989121234567", ["mobile"], "************"),
    ("9121234567", ["mobile"], "**********"),
    ("کد ملی 0499370899 است", ["national_id"], "کد ملی ********** است"),
    ("کد ملی: ۰۷۹۰۴۱۹۹۰۴", ["national_id"], "کد ملی: **********"),
    ("049-937089-9", ["national_id"], "***-******-*"),
    ("کارت 6037991234567893", ["card"], "کارت ****************"),
    ("۶۰۳۷ ۹۹۱۲ ۳۴۵۶ ۷۸۹۳", ["card"], "**** **** **** ****"),
    ("6274-1200-0011-2237", ["card"], "****-****-****-****"),
    (
        "من ۰۹۱۲۱۲۳۴۵۶۷ و کد ملی ۰۴۹۹۳۷۰۸۹۹ و کارت ۶۱۰۴۳۳۹۸۷۶۵۴۳۲۱۰",
        ["mobile", "national_id", "card"],
        "من *********** و کد ملی ********** و کارت ****************",
    ),
    ("0499370899 09121234567", ["national_id", "mobile"], "********** ***********"),
]

NOT_FOUND = [
    "1403/05/12",  # Jalali date
    "۱۴۰۳/۰۵/۱۲",
    "۱۴۰۳-۰۵-۱۲",
    "2026-12-06",
    "ساعت ۱۰:۳۰ تا ۱۲:۰۰",
    "A7K3M9QZ",  # tracking codes
    "کد رهگیری 23456789",
    "کد رهگیری 7K3M9QZ2 و X9121234567",
    "۱٬۲۵۰٬۰۰۰ ریال",  # amounts
    "1,250,000,000 تومان",
    "1500000000",  # round ten-digit amount (valid check digit, still an amount)
    "9500000000 ریال",
    "0499370899 تومان",
    "2 500 000 تومان",
    "12.5 متر",
    "پلاک ۱۲ واحد ۳",
    "0499370898",  # national id with a wrong check digit
    "1111111111",  # all the same digit
    "6037991234567894",  # card failing Luhn
    "6037 9912 3456 78 93",  # card digits grouped unlike a card
    "0912123456",  # a mobile missing a digit
    "091212345678",  # one digit too many
    "021-88776655",  # the office's landline
    "+1 415 555 0100",
    "2.0499370899",  # a decimal, not an id
    "",
]


class DetectorTests(SimpleTestCase):
    def test_true_positives(self):
        for text, kinds, masked in FOUND:
            with self.subTest(text=text):
                self.assertEqual([m.kind for m in find_pii(text)], kinds)
                self.assertEqual(mask_pii(text), masked)

    def test_near_misses_are_left_alone(self):
        for text in NOT_FOUND:
            with self.subTest(text=text):
                self.assertEqual(find_pii(text), [])
                self.assertEqual(mask_pii(text), text)

    def test_positions_point_into_the_original_text(self):
        text = "سلام ۰۹۱۲۱۲۳۴۵۶۷!"
        (match,) = find_pii(text)
        self.assertEqual(text[match.start : match.end], "۰۹۱۲۱۲۳۴۵۶۷")
        self.assertEqual(match.text, "۰۹۱۲۱۲۳۴۵۶۷")

    def test_national_id_check_digit(self):
        self.assertTrue(is_national_id("0499370899"))
        self.assertTrue(is_national_id("0790419904"))
        self.assertFalse(is_national_id("0790419905"))
        self.assertFalse(is_national_id("079041990"))
