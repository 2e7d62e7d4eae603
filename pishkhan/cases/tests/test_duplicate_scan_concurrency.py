"""Two workers scanning at once: every case is checked by exactly one of them, and together they
store every link once, without a deadlock (real connections, real transactions)."""

import threading
import time
from unittest import mock

from django.db import connection
from django.test import TransactionTestCase

from pishkhan.cases import duplicates
from pishkhan.cases.duplicates import case_duplicates_scan, case_duplicates_todo
from pishkhan.cases.models import DuplicateLink
from pishkhan.cases.services import case_submit
from pishkhan.test import make_city

N = 12


class ConcurrentScanTests(TransactionTestCase):
    def test_two_scans_at_once_split_the_queue_and_store_each_link_once(self):
        city = make_city()
        cases = [
            case_submit(
                municipality=city["municipality"],
                channel="web",
                citizen_name="زهرا",
                citizen_mobile="09125556677",
                service=city["pothole"],
                district=city["d1"],
                description=f"چاله بزرگ جلوی نانوایی خیابان گلستان {i}",
                lat=36.84,
                lon=54.44,
            )
            for i in range(N)
        ]
        live = duplicates.duplicates_live

        def slow_live(*args, **kwargs):
            time.sleep(0.3)  # both transactions are open at the same time
            return live(*args, **kwargs)

        counts: list[int] = []
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                counts.append(case_duplicates_scan(limit=N // 2))
            except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        with mock.patch.object(duplicates, "duplicates_live", slow_live):
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(counts), [N // 2, N // 2])  # disjoint batches, no case twice
        self.assertEqual(case_duplicates_todo(), 0)
        pairs = set(DuplicateLink.objects.values_list("case_id", "candidate_id"))
        ids = [c.pk for c in cases]
        self.assertEqual(pairs, {(a, b) for a in ids for b in ids if a != b})
        self.assertEqual(DuplicateLink.objects.count(), N * (N - 1))
