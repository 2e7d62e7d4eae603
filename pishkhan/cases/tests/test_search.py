"""Persian full-text search (cases.search): same results on SQLite (FTS5 trigram) and PostgreSQL."""

from unittest import mock

from django.db import connection

from pishkhan.cases.models import Case
from pishkhan.cases.search import case_search, case_search_index_pending, search_tokens
from pishkhan.cases.services import case_submit
from pishkhan.core.text import normalize_fa
from pishkhan.test import BaseTestCase

# (key, description as typed by the citizen, address, service)
CASES = [
    (
        "hole",
        "چاله‌ی بزرگ جلوی مدرسهٔ شهید بهشتی، ماشین‌ها آسیب می‌بینند",
        "خیابان ولیعصر، کوچهٔ ۱۲",
        "pothole",
    ),
    ("dry", "درخت خشكيده در پارك لاله خطر سقوط دارد", "بلوار جمهوری", "tree"),  # Arabic ي/ك
    ("plate", "آسفالت جلوی پلاک ۲۴۵ کاملاً از بین رفته است", "خیابان امام خمینی", "pothole"),
    ("walk", "پیاده‌رو خراب است و سالمندان زمین می‌خورند", "میدان وحدت", "pothole"),
    ("flood", "آبگرفتگی شدید بعد از هر باران در زیرگذر", "بلوار ناهارخوران", "pothole"),
    (
        "arabic",
        "شاخه‌های درخت روی سیم برق افتاده، پلاک ٣٨٧",
        "کوچهٔ گلستان ٧",
        "tree",
    ),  # Arabic-Indic
    ("tatweel", "ریشهٔ درخـــت کـــاج آسفالت را شکسته", "خیابان شالیکوبی", "tree"),
]
QUERIES = [
    ("چاله ولیعصر", {"hole"}),
    ("درخت خشکیده", {"dry"}),  # Persian letters find Arabic-typed text
    ("پارك لاله", {"dry"}),  # Arabic letters in the query
    ("245", {"plate"}),  # ASCII digits find Persian digits
    ("٢٤٥", {"plate"}),  # Arabic-Indic digits find Persian digits
    ("۳۸۷", {"arabic"}),  # Persian digits find Arabic-Indic digits
    ("پیاده رو", {"walk"}),  # a space where the citizen typed ZWNJ; 2-letter token
    ("پیاده\u200cرو", {"walk"}),  # with ZWNJ
    ("آبْگِرِفتگی", {"flood"}),  # harakat in the query
    ("درخت کاج", {"tatweel"}),  # tatweel in the text
    ("هرس", {"dry", "arabic", "tatweel"}),  # the service name is searchable
    ("خیاب", {"hole", "plate", "tatweel"}),  # part of a word
]


class CaseSearchTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.codes = {}
        for i, (key, text, address, service) in enumerate(CASES):
            case = case_submit(
                municipality=cls.m,
                channel="web",
                citizen_name="شهروند",
                citizen_mobile=f"0912555000{i}",
                service=getattr(cls, service),
                description=text,
                address=address,
                district=cls.d1,
            )
            cls.codes[key] = case.tracking_code

    def found(self, query, qs=None, **kw):
        qs = Case.objects.all() if qs is None else qs
        by_code = {code: key for key, code in self.codes.items()}
        hits = case_search(qs, query, **kw).values_list("tracking_code", flat=True)
        return {by_code[c] for c in hits}

    def test_small_set_path_finds_the_same_cases(self):
        # A bounded set (the inbox) checks each row's text instead of using the text index.
        for query, expected in QUERIES:
            with self.subTest(query=query):
                self.assertEqual(self.found(query, small_set=True), expected)

    def test_twelve_realistic_queries_find_the_right_cases(self):
        for query, expected in QUERIES:
            with self.subTest(query=query):
                self.assertEqual(self.found(query), expected)

    def test_common_words_path_finds_the_same_cases(self):
        # SQLite serves very common words by a substring scan instead of the FTS hit list.
        with mock.patch("pishkhan.cases.search.COMMON_HITS", 1):
            for query, expected in QUERIES:
                with self.subTest(query=query):
                    self.assertEqual(self.found(query), expected)

    def test_every_token_must_match(self):
        self.assertEqual(self.found("چاله پارک"), set())
        self.assertEqual(self.found("درخت برق"), {"arabic"})
        self.assertEqual(self.found("مترو"), set())

    def test_empty_or_punctuation_query_leaves_the_queryset_unchanged(self):
        self.assertEqual(len(self.found("")), len(CASES))
        self.assertEqual(len(self.found(" ،؟ ")), len(CASES))

    def test_search_stays_inside_the_given_queryset(self):
        Case.objects.filter(tracking_code=self.codes["dry"]).update(district=self.d2)
        self.assertEqual(
            self.found("درخت", Case.objects.filter(district=self.d1)), {"arabic", "tatweel"}
        )
        self.assertEqual(self.found("درخت", Case.objects.filter(district=self.d2)), {"dry"})

    def test_quotes_and_fts_syntax_in_the_query_are_harmless(self):
        self.assertEqual(self.found('"چاله" OR NEAR(درخت) *'), set())
        self.assertEqual(self.found("چاله AND"), set())

    def test_index_follows_updates_and_deletes(self):
        case_search_index_pending()  # the worker indexed them: the edits reach the index
        case = Case.objects.get(tracking_code=self.codes["hole"])
        case.search_key = normalize_fa("نشت فاضلاب در خیابان شهرداری")
        case.save()
        self.assertEqual(self.found("ولیعصر"), set())
        self.assertEqual(self.found("فاضلاب"), {"hole"})
        Case.objects.filter(pk=case.pk).update(search_key=normalize_fa("صدای بلند کارگاه"))
        self.assertEqual(self.found("فاضلاب"), set())
        self.assertEqual(self.found("کارگاه"), {"hole"})
        case.refresh_from_db()
        case.status = Case.Status.REJECTED  # other columns: the index is untouched
        case.save(update_fields=["status"])
        self.assertEqual(self.found("کارگاه"), {"hole"})
        case.events.all().delete()
        case.delete()
        self.assertEqual(self.found("کارگاه"), set())
        self.assertEqual(self.found("درخت"), {"dry", "arabic", "tatweel"})
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO cases_case_fts(cases_case_fts, rank) VALUES ('integrity-check', 1)"
                )

    def test_new_cases_are_searchable_at_once(self):
        case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="شهروند",
            citizen_mobile="09125550099",
            service=self.pothole,
            description="فرونشست زمین کنار ایستگاه اتوبوس",
            district=self.d2,
        )
        self.assertEqual(Case.objects.filter(search_key__contains="فرونشست").count(), 1)
        self.assertEqual(case_search(Case.objects.all(), "فرونشست ایستگاه").count(), 1)

    def test_tokens_are_normalised_and_deduplicated(self):
        self.assertEqual(search_tokens("كوچه  كوچه ۱۲"), ["کوچه", "12"])
