"""Every route × every role, generated from the URL configuration.

A route that has no rule here fails the suite: whoever adds a page decides who may open it.
Object routes are opened with objects of district A (d1) and department X (civil), so the
matrix also shows that the manager of district B and the head of department Y are refused.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from pishkhan.test import BaseTestCase

PERSONAS = [
    "anon",
    "citizen",
    "operator",
    "manager1",
    "manager2",
    "senior",
    "member",
    "mayor",
    "secretary",
    "head_civil",
    "head_green",
    "auditor",
    "admin",
]
STAFF = set(PERSONAS) - {"anon", "citizen"}
EVERYONE = set(PERSONAS)
SIGNED_IN = EVERYONE - {"anon"}


def routes() -> list[tuple[str, str]]:
    """(name, pattern) of every route outside /admin/ (Django's admin has its own tests)."""
    found: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue
                walk(p, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                name = (f"{namespace}:" if namespace else "") + (p.name or "-")
                found.append((name, prefix + str(p.pattern)))

    walk(get_resolver(), "", None)
    return found


def classify(response: Any) -> str:
    LAST_STATUS[0] = f"{response.status_code} {response.get('Location', '')}".strip()
    if response.status_code >= 500:
        return "ERROR"
    if response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return "login"
    if response.status_code in (401, 403, 404):
        return "deny"
    return "ok"


def png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 10)).save(buf, format="PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


DISCOVER = os.environ.get("PISHKHAN_MATRIX_DISCOVER") == "1"
LAST_STATUS = [""]


class PermissionMatrixTests(BaseTestCase):
    """GET every route as every persona; compare with RULES (below)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from pishkhan.cases.models import Attachment
        from pishkhan.cases.services import case_accept, case_submit
        from pishkhan.cycle.services import week_get_or_create
        from pishkhan.directives import services as directive_services
        from pishkhan.directives.models import Directive
        from pishkhan.meetings import services as meeting_services
        from pishkhan.notify.models import WorkerHeartbeat
        from pishkhan.portal.models import Article, Comment
        from pishkhan.visits.models import Visit, VisitPhoto
        from pishkhan.visits.services import calendar_feed_issue, visits_plan

        now = timezone.now()
        case = case_submit(
            municipality=cls.m,
            channel="web",
            citizen_name="زهرا",
            citizen_mobile="09121112233",
            service=cls.pothole,
            description="چاله بزرگ در خیابان ولیعصر",
            district=cls.d1,
            lat=36.84,
            lon=54.45,
            files=[png()],
        )
        cls.case = case_accept(case=case, needs_visit=True, actor=cls.manager1)
        cls.attachment = Attachment.objects.get(case=case)
        week = week_get_or_create(cls.m, cls.case.week_start)
        visits_plan(week=week, now=now)
        cls.visit = Visit.objects.get(case=case)
        cls.photo = VisitPhoto.objects.create(
            visit=cls.visit, file=SimpleUploadedFile("v.jpg", b"x")
        )
        cls.ical = calendar_feed_issue(actor=cls.visit.manager)
        WorkerHeartbeat.objects.create(name="worker", at=now)  # /healthz: a live worker
        meeting = meeting_services.meeting_for_date(
            municipality=cls.m, week_start=cls.case.week_start
        )
        meeting_services.agenda_build(meeting=meeting, now=now, actor=cls.secretary)
        from pishkhan.meetings.tests.test_flow import run_meeting

        cls.meeting = run_meeting(cls, meeting)
        cls.item = cls.meeting.items.first()
        cls.decision = cls.item.decision
        directive_services.meeting_dispatch(meeting=cls.meeting, actor=cls.secretary, now=now)
        cls.directive = Directive.objects.filter(department=cls.civil).first()
        cls.article = Article.objects.create(
            municipality=cls.m,
            slug="خبر-آزمون",
            title="خبر آزمون",
            body="متن خبر",
            status="published",
            publish_at=now,
        )
        cls.comment = Comment.objects.create(article=cls.article, name="شهروند", body="نظر من")

    def kwargs_for(self, name: str, pattern: str) -> dict[str, Any]:
        params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
        names = [a or b for a, b in params]
        area = name.split(":")[0]
        values: dict[str, Any] = {
            "file_id": self.attachment.pk,
            "item_pk": self.item.pk,
            "token": self.ical,
            "fmt": "json",
            "start": self.case.week_start.isoformat(),
            "week": self.case.week_start.isoformat(),
            "slug": self.article.slug,
            "rest": "no-such-thing",
            "evidence_pk": 0,
            "decision_pk": self.decision.pk,
            "kind": "citizen",
            "photo_pk": self.attachment.pk,
        }
        values["code"] = (
            "pothole" if name in ("portal:service", "open311:service") else self.case.tracking_code
        )
        values["number"] = self.directive.number if area == "api" else self.decision.number
        values["action"] = "approve" if "comment" in name else "publish"
        if area == "api" and "visit" in name:
            values["pk"] = self.visit.pk
            return {n: values[n] for n in names}
        values["pk"] = {
            "visits": self.photo.pk if name == "visits:photo" else self.visit.pk,
            "meetings": self.meeting.pk,
            "directives": self.meeting.pk if name == "directives:dispatch" else self.directive.pk,
            "portal_office": self.comment.pk if "comment" in name else self.article.pk,
        }.get(area, 0)
        return {n: values[n] for n in names}

    def url_for(self, name: str, pattern: str) -> str:
        url = "/" + pattern.replace("^", "").replace("$", "")
        for key, value in self.kwargs_for(name, pattern).items():
            url = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)", str(value), url, count=1)
        return url.replace("\\.", ".")

    def outcome(self, persona: str, url: str, method: str) -> str:
        self.client.logout()
        if persona != "anon":
            self.login(getattr(self, persona))
        return classify(getattr(self.client, method)(url))

    def method_for(self, url: str) -> str:
        """GET, or POST for action routes (an empty POST must still be refused or rejected)."""
        self.client.logout()
        self.login(self.admin)
        return "post" if self.client.get(url).status_code == 405 else "get"

    @override_settings(PUBLIC_CACHE_SECONDS=0, WORKER_STALE_SECONDS=24 * 3600)  # a long test
    def test_every_route_for_every_role(self) -> None:
        missing, errors, wrong = [], [], []
        table = []
        for name, pattern in routes():
            url = self.url_for(name, pattern)
            method = self.method_for(url)
            got, statuses = {}, {}
            for p in PERSONAS:
                got[p] = self.outcome(p, url, method)
                statuses[p] = LAST_STATUS[0]
            table.append((name, f"{method.upper()} {url}", got))
            errors += [f"{name} {url} as {p}: 500" for p, o in got.items() if o == "ERROR"]
            rule = RULES.get(name)
            if rule is None:
                missing.append(name)
                continue
            allowed, anon = rule
            for persona, result in got.items():
                want = "ok" if persona in allowed else anon if persona == "anon" else "deny"
                if result != want:
                    wrong.append(
                        f"{name} {method.upper()} {url}: {persona} got {result} "
                        f"({statuses[persona]}), expected {want}"
                    )
        if DISCOVER:
            for name, url, got in table:
                ok = sorted(p for p, o in got.items() if o == "ok")
                print(f"{name:32} {url.split()[0]:4} anon={got['anon']:5} ok={ok}")  # noqa: T201
        self.assertEqual(errors, [])
        self.assertEqual(missing, [], "routes without a rule in RULES")
        self.assertEqual(wrong, [])


# name -> (personas who get through, what an anonymous visitor gets when not among them)
NOBODY: set[str] = set()  # e.g. session-bound or secret-bound routes: reachable only with proof
# Reviewed by hand: district A's objects refuse manager2, department X's refuse head_green,
# citizens never enter the office, the auditor reads but never acts.
RULES: dict[str, tuple[set[str], str]] = {
    "healthz": (EVERYONE, "ok"),
    "set_language": (EVERYONE, "ok"),
    "accounts:login": (EVERYONE, "ok"),
    "accounts:logout": (EVERYONE, "ok"),
    "accounts:two_factor": (SIGNED_IN, "login"),
    "accounts:password_reset": (EVERYONE, "ok"),
    "office:home": (STAFF, "login"),
    "cases:list": (
        {"admin", "auditor", "manager1", "manager2", "mayor", "member", "operator", "secretary"},
        "login",
    ),
    "cases:inbox": ({"admin", "manager1", "manager2"}, "login"),
    "cases:inbox_bulk": ({"admin", "manager1", "manager2"}, "login"),
    "cases:register": ({"admin", "manager1", "manager2", "operator"}, "login"),
    "cases:lookup": ({"admin", "manager1", "manager2", "operator"}, "login"),
    "cases:suggest_service": ({"admin", "manager1", "manager2", "operator"}, "login"),
    "cases:summary": ({"manager1", "manager2"}, "login"),
    "cases:case": (
        {"admin", "auditor", "manager1", "mayor", "member", "operator", "secretary"},
        "login",
    ),
    "cases:act": ({"admin", "manager1"}, "login"),
    "cases:receipt": ({"admin", "manager1", "operator"}, "login"),
    "cases:file": (
        {"admin", "auditor", "manager1", "mayor", "member", "operator", "secretary"},
        "login",
    ),
    "cycle:week": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "visits:today": ({"admin", "auditor", "secretary", "senior"}, "login"),
    "visits:day_sheet": ({"admin", "auditor", "secretary", "senior"}, "login"),
    "visits:ical": (EVERYONE, "ok"),
    "visits:ical_issue": ({"senior"}, "login"),
    "visits:ical_revoke": ({"senior"}, "login"),
    "visits:sw": ({"admin", "auditor", "secretary", "senior"}, "login"),
    "visits:manifest": ({"admin", "auditor", "secretary", "senior"}, "login"),
    "visits:citizen_photo": ({"admin", "secretary", "senior"}, "login"),
    "visits:plan": ({"admin", "secretary"}, "login"),
    "visits:plan_run": ({"admin", "secretary"}, "login"),
    "visits:reassign": ({"admin", "secretary"}, "login"),
    "visits:reorder": ({"admin", "secretary", "senior"}, "login"),
    "visits:swap": (NOBODY, "login"),
    "visits:report": ({"admin", "secretary", "senior"}, "login"),
    "visits:check_in": ({"admin", "secretary", "senior"}, "login"),
    "visits:photo": ({"admin", "auditor", "mayor", "member", "secretary", "senior"}, "login"),
    "meetings:list": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:agenda": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:agenda_action": ({"admin", "secretary"}, "login"),
    "meetings:reschedule": ({"admin", "secretary"}, "login"),
    "meetings:agenda_pdf": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:session": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:decide": ({"admin", "secretary"}, "login"),
    "meetings:item_open": ({"admin", "secretary"}, "login"),
    "meetings:pull": ({"admin", "mayor", "member", "secretary"}, "login"),
    "meetings:tally": ({"admin", "secretary"}, "login"),
    "meetings:consent": ({"admin", "secretary"}, "login"),
    "meetings:live": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:live_current": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:position": ({"admin", "mayor", "member"}, "login"),
    "meetings:reopen": ({"admin", "secretary"}, "login"),
    "meetings:decline": ({"admin", "mayor", "member"}, "login"),
    "meetings:sign": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:minutes_pdf": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "meetings:import": ({"admin", "secretary"}, "login"),
    "meetings:import_map": (NOBODY, "login"),
    "meetings:import_run": (NOBODY, "login"),
    "directives:inbox": ({"admin", "auditor", "head_civil", "head_green", "secretary"}, "login"),
    "directives:detail": ({"admin", "auditor", "head_civil", "secretary"}, "login"),
    "directives:letter": ({"admin", "auditor", "head_civil", "secretary"}, "login"),
    "directives:evidence": (NOBODY, "login"),
    "directives:photo": ({"admin", "auditor", "head_civil", "secretary"}, "login"),
    "directives:dispatch": ({"admin", "secretary"}, "login"),
    "directives:report": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "reports:index": ({"admin", "auditor", "mayor", "member", "secretary"}, "login"),
    "portal_office:articles": ({"admin", "secretary"}, "login"),
    "portal_office:article_new": ({"admin", "secretary"}, "login"),
    "portal_office:article_edit": ({"admin", "secretary"}, "login"),
    "portal_office:article_action": ({"admin", "secretary"}, "login"),
    "portal_office:moderation": ({"admin", "secretary"}, "login"),
    "portal_office:comment_reply": ({"admin", "secretary"}, "login"),
    "portal_office:comment_action": ({"admin", "secretary"}, "login"),
    "portal_office:bulletin_rerun": ({"admin", "secretary"}, "login"),
    "open311:discovery": (EVERYONE, "ok"),
    "open311_discovery": (EVERYONE, "ok"),
    "open311:services": (EVERYONE, "ok"),
    "open311:service": (EVERYONE, "ok"),
    "open311:requests": (EVERYONE, "ok"),
    "open311:request": (EVERYONE, "ok"),
    "open311:token": (NOBODY, "deny"),
    "open311:updates": (EVERYONE, "ok"),
    "open311:-": (NOBODY, "deny"),
    "schema": (EVERYONE, "ok"),
    "swagger-ui": (EVERYONE, "ok"),
    "api:token": (EVERYONE, "ok"),
    "api:districts": (STAFF, "deny"),
    "api:district-summary": ({"manager1", "manager2"}, "deny"),
    "api:departments": (STAFF, "deny"),
    "api:weeks": ({"admin", "auditor", "mayor", "member", "secretary"}, "deny"),
    "api:week": ({"admin", "auditor", "mayor", "member", "secretary"}, "deny"),
    "api:services": (STAFF, "deny"),
    "api:reject-reasons": ({"admin", "manager1", "manager2"}, "deny"),
    "api:cases": (
        {"admin", "auditor", "manager1", "manager2", "mayor", "member", "operator", "secretary"},
        "deny",
    ),
    "api:case": (
        {"admin", "auditor", "manager1", "mayor", "member", "operator", "secretary"},
        "deny",
    ),
    "api:case-accept": ({"admin", "manager1"}, "deny"),
    "api:case-reject": ({"admin", "manager1"}, "deny"),
    "api:case-merge": ({"admin", "manager1"}, "deny"),
    "api:case-request-info": ({"admin", "manager1"}, "deny"),
    "api:case-move": ({"admin", "manager1"}, "deny"),
    "api:case-urgent": ({"admin", "manager1"}, "deny"),
    "api:visits": ({"admin", "auditor", "secretary", "senior"}, "deny"),
    "api:visits-plan": ({"admin", "secretary"}, "deny"),
    "api:visit": ({"admin", "auditor", "secretary", "senior"}, "deny"),
    "api:visit-reassign": ({"admin", "secretary"}, "deny"),
    "api:visit-reorder": ({"admin", "secretary", "senior"}, "deny"),
    "api:visit-swap": ({"admin", "secretary", "senior"}, "deny"),
    "api:visit-check-in": ({"admin", "secretary", "senior"}, "deny"),
    "api:visit-report": ({"admin", "secretary", "senior"}, "deny"),
    "api:meetings": ({"admin", "auditor", "mayor", "member", "secretary"}, "deny"),
    "api:meeting": ({"admin", "auditor", "mayor", "member", "secretary"}, "deny"),
    "api:agenda-build": ({"admin", "secretary"}, "deny"),
    "api:agenda-freeze": ({"admin", "secretary"}, "deny"),
    "api:agenda-move": ({"admin", "secretary"}, "deny"),
    "api:agenda-merge": ({"admin", "secretary"}, "deny"),
    "api:agenda-split": ({"admin", "secretary"}, "deny"),
    "api:meeting-start": ({"admin", "secretary"}, "deny"),
    "api:meeting-decision": ({"admin", "secretary"}, "deny"),
    "api:meeting-position": ({"admin", "secretary"}, "deny"),
    "api:meeting-close": ({"admin", "secretary"}, "deny"),
    "api:meeting-sign": ({"admin", "mayor", "member"}, "deny"),
    "api:directives": ({"admin", "auditor", "head_civil", "head_green", "secretary"}, "deny"),
    "api:directive": ({"admin", "auditor", "head_civil", "secretary"}, "deny"),
    "api:directive-acknowledge": ({"head_civil"}, "deny"),
    "api:directive-progress": ({"admin", "head_civil"}, "deny"),
    "api:directive-extension": ({"admin", "head_civil"}, "deny"),
    "api:directive-complete": ({"admin", "head_civil"}, "deny"),
    "api:report-weekly": ({"admin", "auditor", "mayor", "member", "secretary"}, "deny"),
    "api:report-departments": ({"admin", "auditor", "mayor", "member", "secretary"}, "deny"),
    "api:-": (NOBODY, "deny"),
    "portal:home": (EVERYONE, "ok"),
    "portal:news": (EVERYONE, "ok"),
    "portal:news_feed": (EVERYONE, "ok"),
    "portal:news_atom": (EVERYONE, "ok"),
    "portal:article": (EVERYONE, "ok"),
    "portal:comment": (EVERYONE, "ok"),
    "portal:cover": (NOBODY, "deny"),
    "portal:services": (EVERYONE, "ok"),
    "portal:service": (EVERYONE, "ok"),
    "portal:decisions": (EVERYONE, "ok"),
    "portal:decisions_feed": (EVERYONE, "ok"),
    "portal:stats": (EVERYONE, "ok"),
    "portal:stats_csv": (EVERYONE, "ok"),
    "portal:sitemap": (EVERYONE, "ok"),
    "portal:request_new": (EVERYONE, "ok"),
    "portal:request_receipt": (NOBODY, "deny"),
    "portal:track": (EVERYONE, "ok"),
    "portal:track_case": (NOBODY, "deny"),
    "portal:track_answer": (NOBODY, "deny"),
    "portal:track_verdict": (NOBODY, "deny"),
    "portal:sms_inbound": (NOBODY, "deny"),
    "portal:verify_form": (EVERYONE, "ok"),
    "portal:verify_decision": (EVERYONE, "ok"),
}


class AdminSiteMatrixTests(BaseTestCase):
    """/admin/ × every persona: the index, every registered model's list and add page.

    Only the system administrator, after the office login and its second factor, gets in;
    every other staff role is refused outright; anonymous visitors are sent to the office login;
    the administrator with a password alone is sent to the second factor.
    """

    def admin_urls(self) -> list[str]:
        from django.contrib import admin

        urls = ["/admin/", "/admin/login/", "/admin/password_change/"]
        for model in admin.site._registry:
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            urls += [base, base + "add/"]
        return urls

    def outcome(self, url: str) -> str:
        response = self.client.get(url, follow=True)
        last = response.redirect_chain[-1][0] if response.redirect_chain else url
        if response.status_code == 200 and last.startswith("/accounts/login/"):
            return "login"
        if response.status_code == 200 and last.startswith("/accounts/two-factor/"):
            return "two_factor"
        if response.status_code in (403, 404):
            return "deny"
        return "ok" if response.status_code == 200 else str(response.status_code)

    def test_admin_site_for_every_persona(self) -> None:
        wrong = []
        urls = self.admin_urls()
        for persona in PERSONAS:
            self.client.logout()
            if persona != "anon":
                self.login(getattr(self, persona))
            want_ok = "ok" if persona == "admin" else "login" if persona == "anon" else "deny"
            for url in urls:
                got = self.outcome(url)
                # An admin page the model refuses to anyone (e.g. adding audit entries) is 403.
                want = (
                    "deny"
                    if persona == "admin" and url.endswith("/add/") and got == "deny"
                    else want_ok
                )
                if got != want:
                    wrong.append(f"{url} as {persona}: {got}, expected {want}")
        self.client.logout()
        self.client.force_login(self.admin)  # the password alone, no second factor
        wrong += [
            f"{u} as admin without 2FA: {o}" for u in urls if (o := self.outcome(u)) != "two_factor"
        ]
        self.assertEqual(wrong, [])


class LoginEndpointMatrixTests(BaseTestCase):
    """Every login-like endpoint × its limit: once one address has spent it, even the right
    credentials from that address are refused (429), while another address still gets in.

    The office login, the admin (which sends to it) and the API token share one per-address
    counter (LOGIN_RATE_LIMIT, 20 failures in 10 minutes); reset codes have RESET_RATE_LIMIT
    (10 wrong codes an hour), tracking TRACK_RATE_LIMIT (10 a minute). The second factor is
    limited per device (django-otp: 2**(n-1) s after n wrong codes).
    """

    ATTACKER, OTHER = "203.0.113.66", "203.0.113.77"

    def setUp(self) -> None:
        from django.core.cache import cache

        cache.clear()

    def office_login(self, mobile: str, password: str, address: str) -> Any:
        return self.client.post(
            "/accounts/login/", {"mobile": mobile, "password": password}, REMOTE_ADDR=address
        )

    def admin_login(self, mobile: str, password: str, address: str) -> Any:
        hop = self.client.get("/admin/", follow=False, REMOTE_ADDR=address)
        login_url = self.client.get(hop["Location"], REMOTE_ADDR=address)["Location"]
        self.assertTrue(login_url.startswith("/accounts/login/"))
        return self.client.post(
            login_url,
            {"mobile": mobile, "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    def api_token(self, mobile: str, password: str, address: str) -> Any:
        return self.client.post(
            "/api/v1/auth/token/", {"mobile": mobile, "password": password}, REMOTE_ADDR=address
        )

    def test_password_endpoints_share_the_per_address_limit(self) -> None:
        from pishkhan.test import PASSWORD

        for name, attempt in (
            ("accounts:login", self.office_login),
            ("admin:login", self.admin_login),
            ("api:token", self.api_token),
        ):
            with self.subTest(name):
                from django.core.cache import cache

                cache.clear()
                self.client.logout()
                for i in range(20):  # wrong passwords for 20 made-up numbers
                    attempt(f"0912555{i:04d}", "nope", self.ATTACKER)
                refused = attempt(self.operator.mobile, PASSWORD, self.ATTACKER)
                self.assertEqual(refused.status_code, 429, name)
                self.assertNotIn("_auth_user_id", self.client.session)
                allowed = attempt(self.operator.mobile, PASSWORD, self.OTHER)
                self.assertIn(allowed.status_code, (200, 302), name)
                self.assertNotEqual(allowed.status_code, 429)
        # The three count together: 7 + 7 + 6 failures spend one address's 20.
        from django.core.cache import cache

        cache.clear()
        for i in range(20):
            attempt = (self.office_login, self.admin_login, self.api_token)[i % 3]
            attempt(f"0912666{i:04d}", "nope", self.ATTACKER)
        self.assertEqual(
            self.api_token(self.operator.mobile, PASSWORD, self.ATTACKER).status_code, 429
        )

    def test_reset_codes_per_address(self) -> None:
        from pishkhan.accounts.services import password_reset_request
        from pishkhan.notify.models import Message

        password_reset_request(mobile=self.operator.mobile)
        sms = Message.objects.get(to=self.operator.mobile, channel="sms")
        code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
        for i in range(10):
            self.client.post(
                "/accounts/password-reset/",
                {
                    "confirm": "1",
                    "mobile": f"0912777{i:04d}",
                    "code": "123456",
                    "new_password": "x-long-password-1",
                },
                REMOTE_ADDR=self.ATTACKER,
            )
        data = {
            "confirm": "1",
            "mobile": self.operator.mobile,
            "code": code,
            "new_password": "x-long-password-1",
        }
        self.assertEqual(
            self.client.post(
                "/accounts/password-reset/", data, REMOTE_ADDR=self.ATTACKER
            ).status_code,
            429,
        )
        self.assertEqual(
            self.client.post("/accounts/password-reset/", data, REMOTE_ADDR=self.OTHER).status_code,
            302,
        )

    def test_tracking_per_address(self) -> None:
        from pishkhan.cases.services import case_submit

        case = case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="زهرا",
            citizen_mobile="09121112233",
            service=self.pothole,
            description="چاله بزرگ در خیابان ولیعصر",
            district=self.d1,
        )
        for _ in range(10):
            self.client.post(
                "/track/", {"code": "ABCD-EFGH", "digits": "0000"}, REMOTE_ADDR=self.ATTACKER
            )
        right = {"code": case.tracking_code, "digits": "2233"}
        self.assertEqual(
            self.client.post("/track/", right, REMOTE_ADDR=self.ATTACKER).status_code, 429
        )
        self.assertEqual(
            self.client.post("/track/", right, REMOTE_ADDR=self.OTHER).status_code, 302
        )

    def test_second_factor_per_device(self) -> None:
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from pishkhan.test import PASSWORD

        self.office_login(self.admin.mobile, PASSWORD, self.OTHER)
        self.client.get("/accounts/two-factor/")
        device = TOTPDevice.objects.get(user=self.admin)
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        wrong = "000000" if code != "000000" else "111111"
        self.client.post("/accounts/two-factor/", {"token": wrong})
        device.refresh_from_db()
        self.assertEqual(device.throttling_failure_count, 1)  # counted in the database
        # As after 8 wrong codes (however slow the machine): the next try waits 2**7 s.
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=8, throttling_failure_timestamp=timezone.now()
        )
        refused = self.client.post("/accounts/two-factor/", {"token": code})
        self.assertEqual(refused.status_code, 200)  # the form again: throttled
        self.assertNotEqual(self.client.get("/admin/").status_code, 200)
