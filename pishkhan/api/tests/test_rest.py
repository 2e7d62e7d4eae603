"""REST API v1: every endpoint — allowed role, refused role, out-of-scope object, bad input."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from pishkhan.api.pagination import CachedCountPaginator
from pishkhan.cases.models import Case, CaseEvent, RecordView
from pishkhan.cases.services import case_accept, case_submit
from pishkhan.core.jalali import combine, week_start
from pishkhan.cycle.models import Week
from pishkhan.test import PASSWORD, BaseTestCase, make_city

API = "/api/v1/"


class ApiBase(BaseTestCase):
    client_class = APIClient

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.c1 = cls.submit(cls.m, cls.d1, cls.pothole, "آسفالت خیابان گلستان خراب شده است")
        cls.c2 = cls.submit(cls.m, cls.d2, cls.tree, "درخت چنار کوچهٔ بهار خشک شده است")
        cls.other = make_city("othercity")
        cls.c_other = cls.submit(
            cls.other["municipality"],
            cls.other["d1"],
            cls.other["pothole"],
            "چاله در شهر دیگر خیلی بزرگ است",
        )

    @staticmethod
    def submit(m, district, service, text, channel="web"):
        return case_submit(
            municipality=m,
            channel=channel,
            citizen_name="زهرا کریمی",
            citizen_mobile="09125550000",
            service=service,
            description=text,
            district=district,
        )

    def as_user(self, user) -> None:
        """Token authentication (the second factor was checked when the token was issued)."""
        token, _ = Token.objects.get_or_create(user=user)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")


def make_week(m, start: dt.date, number: int) -> Week:
    at = dt.datetime.combine(start, dt.time(8), tzinfo=dt.UTC)
    fields = dict.fromkeys(
        (
            "intake_opens_at",
            "intake_closes_at",
            "visits_start_at",
            "visits_end_at",
            "agenda_freeze_at",
            "meeting_at",
            "dispatch_at",
        ),
        at,
    )
    return Week.objects.create(
        municipality=m, start=start, jalali_year=1405, jalali_week=number, **fields
    )


class AuthTests(ApiBase):
    def test_token_for_staff(self):
        r = self.client.post(
            API + "auth/token/", {"mobile": self.operator.mobile, "password": PASSWORD}
        )
        self.assertEqual(r.status_code, 200)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
        self.assertEqual(self.client.get(API + "cases/").status_code, 200)

    def test_token_refused_to_citizen_and_bad_password(self):
        r = self.client.post(
            API + "auth/token/", {"mobile": self.citizen.mobile, "password": PASSWORD}
        )
        self.assertEqual(r.status_code, 400)
        r = self.client.post(
            API + "auth/token/", {"mobile": self.operator.mobile, "password": "nope"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("گذرواژه", r.json()["detail"])
        self.assertEqual(self.client.post(API + "auth/token/", {}).status_code, 400)

    def test_two_factor_roles_need_the_code(self):
        device = TOTPDevice.objects.create(user=self.member, name="phone", confirmed=True)
        data = {"mobile": self.member.mobile, "password": PASSWORD}
        r = self.client.post(API + "auth/token/", data)
        self.assertEqual(r.status_code, 400)
        self.assertIn("otp_token", r.json())
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        r = self.client.post(API + "auth/token/", {**data, "otp_token": f"{totp.token():06d}"})
        self.assertEqual(r.status_code, 200)

    def test_session_without_second_factor_is_refused(self):
        self.client.force_login(self.member)
        self.assertEqual(self.client.get(API + "cases/").status_code, 403)
        self.login(self.member)
        self.assertEqual(self.client.get(API + "cases/").status_code, 200)

    def test_staff_of_another_city_refused_on_this_site(self):
        self.as_user(self.other["operator"])
        with self.settings(ALLOWED_HOSTS=[".test", "testserver"]):
            self.assertEqual(
                self.client.get(API + "cases/", HTTP_HOST="testcity.test").status_code, 403
            )
            r = self.client.get(API + "cases/", HTTP_HOST="othercity.test")
        self.assertEqual(
            {c["tracking_code"] for c in r.json()["results"]}, {self.c_other.tracking_code}
        )

    def test_anonymous(self):
        self.assertEqual(self.client.get(API + "cases/").status_code, 401)
        self.client.credentials(HTTP_AUTHORIZATION="Token nope")
        self.assertEqual(self.client.get(API + "cases/").status_code, 401)

    def test_rate_limit(self):
        cache.clear()
        self.as_user(self.operator)
        with mock.patch.dict(ScopedRateThrottle.THROTTLE_RATES, {"api_read": "2/min"}):
            codes = [self.client.get(API + "services/").status_code for _ in range(3)]
        cache.clear()
        self.assertEqual(codes, [200, 200, 429])


class CatalogueTests(ApiBase):
    def test_services(self):
        self.as_user(self.operator)
        r = self.client.get(API + "services/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["count"], 2)
        self.assertEqual({s["code"] for s in r.json()["results"]}, {"pothole", "tree"})
        self.assertEqual(r.json()["results"][0]["category"], "معابر")
        self.assertEqual(self.client.get(API + "services/", {"page": "x"}).status_code, 404)

    def test_citizen_refused_everywhere(self):
        self.as_user(self.citizen)
        for path in (
            "services/",
            "districts/",
            "departments/",
            "weeks/",
            "cases/",
            f"cases/{self.c1.tracking_code}/",
        ):
            self.assertEqual(self.client.get(API + path).status_code, 403, path)

    def test_districts_and_departments_of_own_city(self):
        self.as_user(self.head_civil)
        r = self.client.get(API + "districts/")
        self.assertEqual([d["number"] for d in r.json()["results"]], [1, 2])
        self.assertEqual([d["name"] for d in r.json()["results"]], ["منطقهٔ یک", "منطقهٔ دو"])
        r = self.client.get(API + "departments/")
        self.assertEqual({d["code"] for d in r.json()["results"]}, {"civil", "green"})
        self.assertEqual(r.json()["count"], 2)  # not the other city's

    def test_weeks(self):
        start = dt.date(2026, 11, 28)
        at = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
        fields = dict.fromkeys(
            (
                "intake_opens_at",
                "intake_closes_at",
                "visits_start_at",
                "visits_end_at",
                "agenda_freeze_at",
                "meeting_at",
                "dispatch_at",
            ),
            at,
        )
        Week.objects.create(
            municipality=self.m, start=start, jalali_year=1405, jalali_week=36, **fields
        )
        Week.objects.create(
            municipality=self.other["municipality"],
            start=start - dt.timedelta(days=7),
            jalali_year=1405,
            jalali_week=35,
            **fields,
        )
        self.as_user(self.secretary)
        r = self.client.get(API + "weeks/")
        self.assertEqual([w["start"] for w in r.json()["results"]], ["2026-11-28"])
        self.assertEqual(self.client.get(API + "weeks/2026-11-28/").json()["jalali_week"], 36)
        self.assertEqual(self.client.get(API + "weeks/2026-11-21/").status_code, 404)  # other city
        self.assertEqual(self.client.get(API + "weeks/not-a-date/").status_code, 404)
        self.as_user(self.operator)  # no cycle.see_week
        self.assertEqual(self.client.get(API + "weeks/").status_code, 403)


class SmallListsTests(ApiBase):
    def test_reject_reasons(self):
        self.as_user(self.manager1)
        r = self.client.get(API + "reject-reasons/")
        self.assertEqual(
            [x["id"] for x in r.json()["results"]], [self.reason.pk]
        )  # not the other city's
        self.as_user(self.operator)
        self.assertEqual(self.client.get(API + "reject-reasons/").status_code, 403)

    def test_fixed_queries_whatever_the_page_size(self):
        make_week(self.m, dt.date(2026, 11, 28), 36)
        make_week(self.m, dt.date(2026, 11, 21), 35)
        self.as_user(self.admin)
        for path in ("services/", "districts/", "departments/", "weeks/", "reject-reasons/"):
            self.client.get(API + path)  # warm caches
            # token+user, count, page (admin: no perm query; the host's city is cached)
            with self.assertNumQueries(3):
                self.client.get(API + path, {"page_size": 1})
            with self.assertNumQueries(3):
                self.client.get(API + path, {"page_size": 200})

    def test_unknown_api_path_and_server_error_are_json(self):
        self.as_user(self.operator)
        r = self.client.get(API + "nothing/here/")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r["Content-Type"], "application/json")
        with mock.patch(
            "pishkhan.cases.apis.selectors.service_list", side_effect=RuntimeError("boom")
        ):
            r = self.client.get(API + "services/")
        self.assertEqual(r.status_code, 500)
        self.assertIn("detail", r.json())


class CaseListTests(ApiBase):
    def codes(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return {c["tracking_code"] for c in response.json()["results"]}

    def test_scope_by_role(self):
        self.as_user(self.operator)
        self.assertEqual(
            self.codes(self.client.get(API + "cases/")),
            {self.c1.tracking_code, self.c2.tracking_code},
        )
        self.as_user(self.manager1)
        self.assertEqual(self.codes(self.client.get(API + "cases/")), {self.c1.tracking_code})
        self.as_user(self.head_civil)
        self.assertEqual(self.client.get(API + "cases/").status_code, 403)
        self.as_user(self.senior)
        self.assertEqual(self.client.get(API + "cases/").status_code, 403)

    def test_small_totals_are_exact_and_large_ones_counted_once_a_minute(self):
        self.as_user(self.operator)
        count = lambda **q: self.client.get(API + "cases/", q).json()["count"]  # noqa: E731
        with mock.patch.object(CachedCountPaginator, "EXACT_UP_TO", 5):
            self.assertEqual(count(), 2)  # below the threshold: exact on every call
            self.submit(self.m, self.d1, self.pothole, "چاله سوم در خیابان گلستان عمیق است")
            self.assertEqual(count(), 3)
            for i in range(4):
                self.submit(self.m, self.d1, self.pothole, f"چالهٔ شمارهٔ {i} در خیابان بهار")
            self.assertEqual(count(), 7)  # above: counted now, then kept for a minute
            self.submit(self.m, self.d2, self.pothole, "یک چالهٔ دیگر در خیابان بهار است")
            self.assertEqual(count(), 7)
            self.assertEqual(count(district="2"), 2)  # another query has its own count
            cache.clear()
            self.assertEqual(count(), 8)

    def test_filters_and_bad_input(self):
        self.as_user(self.auditor)
        get = lambda **q: self.client.get(API + "cases/", q)  # noqa: E731
        self.assertEqual(self.codes(get(service="tree")), {self.c2.tracking_code})
        self.assertEqual(self.codes(get(district="1")), {self.c1.tracking_code})
        self.assertEqual(
            self.codes(get(status="submitted,accepted")),
            {self.c1.tracking_code, self.c2.tracking_code},
        )
        self.assertEqual(self.codes(get(status="done")), set())
        self.assertEqual(
            self.codes(get(channel="web", week=self.c1.week_start.isoformat())),
            {self.c1.tracking_code, self.c2.tracking_code},
        )
        self.assertEqual(self.codes(get(q="چنار")), {self.c2.tracking_code})
        self.assertEqual(self.codes(get(q="چنار".replace("ی", "ي"))), {self.c2.tracking_code})
        self.assertEqual(get(status="nonsense").status_code, 400)
        self.assertIn("status", get(status="nonsense").json())
        self.assertEqual(get(week="1405-01-01x").status_code, 400)
        self.assertEqual(get(district="zero").status_code, 400)
        self.assertEqual(get(channel="fax").status_code, 400)

    def test_paging_is_stable_and_queries_fixed(self):
        for i in range(6):
            self.submit(self.m, self.d1, self.pothole, f"درخواست آزمایشی شمارهٔ {i} برای صفحه")
        self.as_user(self.operator)
        first = self.client.get(API + "cases/", {"page_size": 3}).json()
        second = self.client.get(API + "cases/", {"page_size": 3, "page": 2}).json()
        self.assertEqual(first["count"], 8)
        codes = [c["tracking_code"] for c in first["results"] + second["results"]]
        self.assertEqual(len(set(codes)), 6)
        self.client.get(API + "cases/")  # warm caches
        with self.assertNumQueries(4):
            self.client.get(API + "cases/", {"page_size": 1})
        with self.assertNumQueries(4):
            self.client.get(API + "cases/", {"page_size": 200})


class CaseDetailAndCreateTests(ApiBase):
    def test_detail_in_and_out_of_scope(self):
        case_accept(case=self.c1, needs_visit=True, actor=self.manager1, note="بازدید شود")
        self.as_user(self.manager1)
        r = self.client.get(API + f"cases/{self.c1.tracking_code.lower()}/")
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["status"], "accepted")
        self.assertEqual(body["description"], "آسفالت خیابان گلستان خراب شده است")
        self.assertEqual([e["new_status"] for e in body["events"]], ["submitted", "accepted"])
        self.assertEqual(self.client.get(API + f"cases/{self.c2.tracking_code}/").status_code, 404)
        self.assertEqual(
            self.client.get(API + f"cases/{self.c_other.tracking_code}/").status_code, 404
        )
        self.assertEqual(self.client.get(API + "cases/NOPE/").status_code, 404)
        self.as_user(self.head_green)
        self.assertEqual(self.client.get(API + f"cases/{self.c2.tracking_code}/").status_code, 403)

    def test_pii_masked_by_role_and_record_view_logged(self):
        self.as_user(self.auditor)
        listed = self.client.get(API + "cases/").json()["results"][0]
        self.assertEqual(listed["citizen_mobile"], "0912***0000")
        detail = self.client.get(API + f"cases/{self.c1.tracking_code}/").json()
        self.assertEqual(detail["citizen_mobile"], "0912***0000")
        self.assertTrue(
            RecordView.objects.filter(case=self.c1, viewer=self.auditor, via="api").exists()
        )
        self.as_user(self.operator)
        detail = self.client.get(API + f"cases/{self.c1.tracking_code}/").json()
        self.assertEqual(detail["citizen_mobile"], "+989125550000")

    def test_detail_suggests_duplicates(self):
        def near(text):
            return case_submit(
                municipality=self.m,
                channel="web",
                citizen_name="زهرا کریمی",
                citizen_mobile="09125550000",
                service=self.pothole,
                description=text,
                district=self.d1,
                lat=36.8401,
                lon=54.4501,
            )

        first = near("چالهٔ بزرگ جلوی نانوایی سنگکی خیابان گلستان")
        second = near("چالهٔ بزرگ جلوی نانوایی خیابان گلستان هنوز هست")
        self.as_user(self.manager1)
        body = self.client.get(API + f"cases/{second.tracking_code}/").json()
        self.assertEqual(body["duplicates"], [first.tracking_code])

    def test_create_on_behalf(self):
        self.as_user(self.operator)
        data = {
            "channel": "phone",
            "service": "pothole",
            "citizen_name": "رضا  محمدي",
            "citizen_mobile": "۰۹۱۲۳۳۳۴۴۴۴",
            "description": "چالهٔ عمیق روبه‌روی نانوایی",
            "district": 2,
            "idempotency_key": "call-17",
        }
        r = self.client.post(API + "cases/", data, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        case = Case.objects.get(tracking_code=r.json()["tracking_code"])
        self.assertEqual(
            (case.channel, case.district, case.registered_by), ("phone", self.d2, self.operator)
        )
        self.assertEqual(case.citizen_mobile, "+989123334444")
        again = self.client.post(API + "cases/", data, format="json")
        self.assertEqual(again.json()["tracking_code"], case.tracking_code)
        # the same key for another call's request: refused, naming the case the key made
        other = {**data, "description": "درخت کهنسال کوچهٔ نرگس افتاده و راه را بسته است"}
        count = Case.objects.count()
        reused = self.client.post(API + "cases/", other, format="json")
        self.assertEqual(reused.status_code, 400, reused.content)
        self.assertIn(case.tracking_code, reused.content.decode())
        self.assertEqual(Case.objects.count(), count)

    def test_create_drops_control_characters(self):
        self.as_user(self.operator)
        data = {
            "channel": "phone",
            "service": "pothole",
            "citizen_name": "رضا\x1b محمدی",
            "citizen_mobile": "09123334444",
            "description": "چالهٔ عمیق\x01 روبه‌روی\x0bنانوایی\x7f",
            "address": "کوچهٔ\x08 ۳",
            "district": 2,
        }
        r = self.client.post(API + "cases/", data, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        case = Case.objects.get(tracking_code=r.json()["tracking_code"])
        self.assertEqual(case.description, "چالهٔ عمیق روبه‌روی نانوایی")
        self.assertEqual((case.citizen_name, case.address), ("رضا محمدی", "کوچهٔ ۳"))

    def test_create_refused_and_bad_input(self):
        data = {
            "channel": "walk_in",
            "service": "pothole",
            "citizen_name": "رضا",
            "citizen_mobile": "09123334444",
            "description": "چالهٔ عمیق روبه‌روی نانوایی",
            "district": 1,
        }
        self.as_user(self.senior)
        self.assertEqual(self.client.post(API + "cases/", data, format="json").status_code, 403)
        self.as_user(self.operator)
        r = self.client.post(
            API + "cases/", {**data, "citizen_mobile": "123", "description": "کم"}, format="json"
        )
        self.assertEqual(r.status_code, 400)
        self.assertIn("citizen_mobile", r.json())
        self.assertIn("description", r.json())
        self.assertEqual(
            self.client.post(API + "cases/", {**data, "channel": "web"}, format="json").status_code,
            400,
        )
        r = self.client.post(
            API + "cases/", {**data, "service": self.other["tree"].code + "x"}, format="json"
        )
        self.assertIn("service", r.json())
        self.assertEqual(
            self.client.post(API + "cases/", {**data, "district": 9}, format="json").status_code,
            400,
        )
        self.assertEqual(Case.objects.count(), 3)


class TriageTests(ApiBase):
    def post(self, code, action, data):
        return self.client.post(API + f"cases/{code}/{action}/", data, format="json")

    def test_accept(self):
        self.as_user(self.manager1)
        r = self.post(self.c1.tracking_code, "accept", {"needs_visit": False, "note": "قابل انجام"})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "accepted")
        self.assertFalse(r.json()["needs_visit"])
        r = self.post(self.c1.tracking_code, "accept", {"needs_visit": True})
        self.assertEqual(r.status_code, 400)  # invalid transition, Persian message
        self.assertIn("ممکن نیست", r.json()["detail"])
        self.assertEqual((r.json()["from"], r.json()["to"]), ("accepted", "accepted"))
        self.assertEqual(
            self.post(self.c2.tracking_code, "accept", {"needs_visit": True}).status_code, 404
        )
        self.assertEqual(
            self.post(self.c_other.tracking_code, "accept", {"needs_visit": True}).status_code, 404
        )
        self.assertEqual(self.post(self.c2.tracking_code, "accept", {}).status_code, 404)
        self.as_user(self.manager2)
        self.assertEqual(self.post(self.c2.tracking_code, "accept", {}).status_code, 400)
        self.as_user(self.operator)
        self.assertEqual(
            self.post(self.c2.tracking_code, "accept", {"needs_visit": True}).status_code, 403
        )

    def test_reject(self):
        self.as_user(self.manager1)
        r = self.post(self.c1.tracking_code, "reject", {"reason": self.other["reason"].pk})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.post(self.c1.tracking_code, "reject", {}).status_code, 400)
        r = self.post(
            self.c1.tracking_code, "reject", {"reason": self.reason.pk, "note": "به آب منطقه‌ای"}
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "rejected")
        self.as_user(self.manager2)
        self.assertEqual(self.post(self.c1.tracking_code, "reject", {"note": "x"}).status_code, 404)

    def test_merge(self):
        dup = self.submit(self.m, self.d1, self.pothole, "آسفالت خیابان گلستان خراب است دوباره")
        self.as_user(self.manager1)
        r = self.post(
            dup.tracking_code, "merge", {"into": self.c2.tracking_code}
        )  # other district: unseen
        self.assertEqual(r.status_code, 400)
        self.assertIn("into", r.json())
        self.assertEqual(
            self.post(dup.tracking_code, "merge", {"into": dup.tracking_code}).status_code, 400
        )
        r = self.post(dup.tracking_code, "merge", {"into": self.c1.tracking_code})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["merged_into"], self.c1.tracking_code)
        self.as_user(self.operator)
        self.assertEqual(self.post(self.c1.tracking_code, "merge", {"into": "X"}).status_code, 403)

    def test_request_info(self):
        self.as_user(self.manager1)
        self.assertEqual(
            self.post(self.c1.tracking_code, "request-info", {"question": "؟"}).status_code, 400
        )
        r = self.post(self.c1.tracking_code, "request-info", {"question": "پلاک دقیق را بفرستید"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["status"], "info_requested")
        self.assertEqual(
            self.post(
                self.c2.tracking_code, "request-info", {"question": "پلاک؟ پلاک؟"}
            ).status_code,
            404,
        )
        self.as_user(self.auditor)
        self.assertEqual(
            self.post(
                self.c1.tracking_code, "request-info", {"question": "پلاک؟ پلاک؟"}
            ).status_code,
            403,
        )

    def test_move(self):
        self.as_user(self.manager1)
        self.assertEqual(self.post(self.c1.tracking_code, "move", {"district": 7}).status_code, 400)
        r = self.post(self.c1.tracking_code, "move", {"district": 2, "note": "مرز منطقه"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["district"], 2)
        self.assertTrue(CaseEvent.objects.filter(case=self.c1, kind="move_district").exists())
        # Now out of manager1's scope.
        self.assertEqual(self.post(self.c1.tracking_code, "move", {"district": 1}).status_code, 404)
        self.as_user(self.operator)
        self.assertEqual(self.post(self.c2.tracking_code, "move", {"district": 1}).status_code, 403)


class UrgentTests(ApiBase):
    def test_urgent(self):
        saturday = week_start(timezone.localdate())
        before_freeze = combine(saturday, dt.time(10, 0))
        with mock.patch("pishkhan.cases.services.timezone.now", return_value=before_freeze):
            self.as_user(self.manager2)
            self.assertEqual(
                self.client.post(API + f"cases/{self.c1.tracking_code}/urgent/").status_code, 404
            )
            self.as_user(self.operator)
            self.assertEqual(
                self.client.post(API + f"cases/{self.c1.tracking_code}/urgent/").status_code, 403
            )
            self.as_user(self.manager1)
            r = self.client.post(API + f"cases/{self.c1.tracking_code}/urgent/")
            self.assertEqual(r.status_code, 200, r.content)
            self.assertTrue(r.json()["urgent"])
            self.assertEqual(r.json()["week_start"], saturday.isoformat())
        after = combine(saturday + dt.timedelta(days=5), dt.time(10, 0))  # Thursday: agenda frozen
        with mock.patch("pishkhan.cases.services.timezone.now", return_value=after):
            r = self.client.post(API + f"cases/{self.c1.tracking_code}/urgent/")
        self.assertEqual(r.status_code, 400)


class DistrictSummaryTests(ApiBase):
    def test_own_district_summary(self):
        week = self.c1.week_start.isoformat()
        self.as_user(self.manager1)
        r = self.client.get(API + "district-summary/", {"week": week})
        self.assertEqual(r.status_code, 200)
        self.assertEqual((r.json()["district"], r.json()["total"], r.json()["note"]), (1, 1, ""))
        body = {
            "week": week,
            "note": "هفتهٔ پرکاری بود؛ دو چالهٔ خطرناک",
            "notable": [self.c1.tracking_code],
            "submit": True,
        }
        r = self.client.put(API + "district-summary/", body, format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["notable"], [self.c1.tracking_code])
        self.assertIsNotNone(r.json()["submitted_at"])
        # Another district's case cannot be made notable here.
        bad = {**body, "notable": [self.c2.tracking_code]}
        self.assertEqual(
            self.client.put(API + "district-summary/", bad, format="json").status_code, 400
        )
        self.assertEqual(
            self.client.put(API + "district-summary/", {"week": "x"}, format="json").status_code,
            400,
        )
        self.as_user(self.manager2)  # sees only district 2's (empty) summary
        r = self.client.get(API + "district-summary/", {"week": week})
        self.assertEqual((r.json()["district"], r.json()["note"]), (2, ""))
        for user in (self.operator, self.secretary, self.head_civil):
            self.as_user(user)
            self.assertEqual(self.client.get(API + "district-summary/").status_code, 403, user.role)


class SchemaTests(ApiBase):
    def test_schema_validates_without_warnings(self):
        import tempfile

        from django.core.management import call_command

        with tempfile.NamedTemporaryFile(suffix=".yml") as out:
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", out.name)
            self.assertIn(b"/api/v1/visits/{id}/report/", out.read())

    def test_schema_and_offline_docs(self):
        r = self.client.get("/api/schema/")
        self.assertEqual(r.status_code, 200)
        self.assertIn(b"/api/v1/cases/{code}/accept/", r.content)
        r = self.client.get("/api/docs/")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn("swagger-ui", html)
        self.assertNotIn("cdn.jsdelivr", html)
        self.assertNotIn("unpkg.com", html)
