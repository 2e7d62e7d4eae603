"""Committee imports: the table is cleaned at the boundary like every other input."""

from __future__ import annotations

from pishkhan.accounts.models import Committee
from pishkhan.cases.models import Case
from pishkhan.meetings.imports import committee_import, read_table
from pishkhan.test import BaseTestCase


class ImportCleaningTests(BaseTestCase):
    def test_control_characters_never_reach_a_case(self):
        data = (
            "شماره,نام,همراه,خدمت,شرح,منطقه\r\n"
            "12\x00,رضا\x1b محمدی,09123334444,pothole,چالهٔ عمیق\x01 روبه‌روی\x0bنانوایی,1\r\n"
        ).encode()
        headers, rows = read_table(data, "items.csv")
        self.assertEqual(
            rows, [["12", "رضا محمدی", "09123334444", "pothole", "چالهٔ عمیق روبه‌روی نانوایی", "1"]]
        )
        committee = Committee.objects.create(municipality=self.m, name="کمیسیون ماده صد")
        mapping = {
            "external_ref": 0,
            "citizen_name": 1,
            "citizen_mobile": 2,
            "service": 3,
            "description": 4,
            "district": 5,
            "address": None,
            "national_id": None,
        }
        result = committee_import(
            municipality=self.m,
            committee=committee,
            rows=rows,
            mapping=mapping,
            actor=self.secretary,
            dry_run=False,
        )
        self.assertEqual((result.created, result.errors), (1, []))
        case = Case.objects.get(origin_committee=committee)
        self.assertEqual(
            (case.external_ref, case.citizen_name, case.description),
            ("12", "رضا محمدی", "چالهٔ عمیق روبه‌روی نانوایی"),
        )
