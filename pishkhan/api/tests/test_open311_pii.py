"""Open311 GET without a key republished free text with people's numbers in it (issue 13
item 5): descriptions, status notes and update notes are masked; dates, amounts and
tracking codes are not."""

from __future__ import annotations

import json

from django.utils import timezone

from pishkhan.api.tests.test_open311 import Open311Base
from pishkhan.cases.models import CaseEvent
from pishkhan.cases.services import case_reject, case_submit

MOBILE = "۰۹۱۲ ۳۴۵ ۶۷۸۹"
DESCRIPTION = (
    f"چاله جلوی خانه؛ با من تماس بگیرید {MOBILE} یا +98 935 111 2233، کد ملی ۰۴۹۹۳۷۰۸۹۹. "
    "از 1403/05/12 مانده و ۲٬۵۰۰٬۰۰۰ ریال خسارت زده."
)
NOTE = "با شهروند (کارت 6037991234567893) تماس گرفته شد؛ شماره 09351112233 پاسخ نداد."
SECRETS = (MOBILE, "935 111 2233", "۰۴۹۹۳۷۰۸۹۹", "6037991234567893", "09351112233")


class Open311MaskTests(Open311Base):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = case_submit(
            municipality=cls.m,
            channel="web",
            citizen_name="علی رضایی",
            citizen_mobile="09120000000",
            service=cls.pothole,
            description=DESCRIPTION,
            district=cls.d1,
            attributes={"depth": 3},
        )
        case_reject(case=cls.case, reason=None, note=NOTE, actor=cls.manager1)
        CaseEvent.objects.create(
            case=cls.case,
            kind="note",
            old_status="rejected",
            new_status="rejected",
            at=timezone.now(),
            note=NOTE,
            public=True,
        )

    def test_get_without_key_masks_people_numbers(self) -> None:
        code = self.case.tracking_code
        for path in (
            "requests.json",
            f"requests/{code}.json",
            "requests.xml",
            f"requests/{code}.xml",
            "servicerequestupdates.json",
        ):
            with self.subTest(path=path):
                response = self.get(path, status="open,closed")
                self.assertEqual(response.status_code, 200)
                body = response.content.decode()
                for secret in SECRETS:
                    self.assertNotIn(secret, body)
                if path.endswith(".json"):
                    self.assertIn("*", json.dumps(json.loads(body), ensure_ascii=False))
        (one,) = self.json(self.get(f"requests/{code}.json"))
        self.assertIn("1403/05/12", one["description"])  # dates and amounts are kept
        self.assertIn("۲٬۵۰۰٬۰۰۰ ریال", one["description"])
        self.assertIn("**** *** ****", one["description"])
        self.assertEqual(one["service_request_id"], code)
        self.assertIn("****************", one["status_notes"])
