"""The tracking page is cached under the data it shows (issue #19).

A returning citizen's view reads the case's row, its newest event and its weeks in two
queries, and the page is rendered again only when one of them changed — or when the clock
alone changes the page (the week's next step, midnight's countdown, a promise turning late).
Nothing has to remember to invalidate it; these tests change the case every way the page can
see and check the next view at once."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

from django.test import Client
from django.utils import timezone

from pishkhan.cases.services import (
    case_accept,
    case_mark_dispatched,
    case_mark_done,
    case_merge,
    case_put_on_agenda,
    case_record_decision,
    case_request_info,
    case_unmerge,
)
from pishkhan.cycle.services import week_get_or_create
from pishkhan.portal.tests.test_requests import RequestTestCase

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Tracking(RequestTestCase):
    def tracked(self, case, client=None, digits="2233"):
        client = client or self.client
        token = TOKEN.search(client.get("/track/").content).group(1).decode()
        r = client.post(
            "/track/",
            {"code": case.tracking_code, "digits": digits, "csrfmiddlewaretoken": token},
        )
        self.assertEqual(r.status_code, 302)
        return client

    def view(self, case, client=None):
        response = (client or self.client).get(f"/track/{case.tracking_code}/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class TrackCacheTests(Tracking):
    def test_a_repeat_view_is_one_read_and_the_same_page(self):
        case = self.make_case()
        self.tracked(case)
        first = self.view(case)
        # The case (+ its newest event, names) and its weeks: one statement.
        with self.assertNumQueries(1):
            response = self.client.get(f"/track/{case.tracking_code}/")
        again = response.content.decode()
        self.assertEqual(response["Cache-Control"], "private, no-cache")
        masked = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF token: masked anew on each page
        self.assertEqual(masked.sub("T", first), masked.sub("T", again))
        self.assertIn(case.tracking_code, again)

    def test_every_step_of_the_case_shows_at_once(self):
        case = self.make_case()
        self.tracked(case)
        self.assertIn("ثبت‌شده", self.view(case))
        case_request_info(case=case, question="عکس محل را بفرستید", actor=self.manager1)
        page = self.view(case)
        self.assertIn("عکس محل را بفرستید", page)
        self.assertIn("ارسال پاسخ", page)
        self.client.post(f"/track/{case.tracking_code}/answer/", {"answer": "نشانی دقیق این است"})
        case.refresh_from_db()
        case_accept(case=case, needs_visit=False, actor=self.manager1)
        self.assertIn("پذیرفته‌شده", self.view(case))
        case_put_on_agenda(case=case)
        case_record_decision(case=case, outcome="approve", text="ترمیم فوری شود", actor=None)
        self.assertIn("ترمیم فوری شود", self.view(case))
        case_mark_dispatched(case=case)
        case_mark_done(case=case, actor=None)
        self.assertIn("اعتراض دارم", self.view(case))

    def test_the_shared_case_moving_reaches_the_merged_citizen(self):
        primary = self.make_case(mobile="09120000001")
        dup = self.make_case()
        self.tracked(dup)
        self.assertIn("ثبت‌شده", self.view(dup))
        case_merge(case=dup, into=primary, actor=self.manager1)
        self.assertIn(primary.tracking_code, self.view(dup))
        case_accept(case=primary, needs_visit=True, actor=self.manager1)
        self.assertIn("پذیرفته‌شده", self.view(dup))  # only the shared case changed
        case_unmerge(case=dup, actor=self.manager1, note="دو مشکل جدا است")
        page = self.view(dup)
        self.assertNotIn("یکی شد", page)
        self.assertNotIn("پذیرفته‌شده", page)

    def test_a_moved_meeting_shows_at_once(self):
        case = self.make_case()
        week = week_get_or_create(self.m, case.week_start)
        self.tracked(case)
        self.view(case)
        moved = week.meeting_at + dt.timedelta(hours=2)
        type(week).objects.filter(pk=week.pk).update(meeting_at=moved)
        self.assertIn(_jdatetime(moved), self.view(case))

    def test_the_clock_alone_renders_again_after_midnight(self):
        case = self.make_case()
        self.tracked(case)
        now = timezone.now()
        self.view(case)
        rendered = []
        from pishkhan.portal import request_views

        real = request_views._track_page

        def spy(*args, **kwargs):
            rendered.append(timezone.now())
            return real(*args, **kwargs)

        with mock.patch.object(request_views, "_track_page", spy):
            self.view(case)
            self.assertEqual(rendered, [])  # same data, same day: served as it was
            with mock.patch("django.utils.timezone.now", return_value=now + dt.timedelta(days=1)):
                self.view(case)
        self.assertEqual(len(rendered), 1)  # a new day: the countdown is recomputed

    def test_each_visitor_gets_their_own_working_token(self):
        case_ = self.make_case()
        case_request_info(case=case_, question="عکس محل را بفرستید", actor=self.manager1)
        first = self.tracked(case_, Client(enforce_csrf_checks=True))
        second = self.tracked(case_, Client(enforce_csrf_checks=True))
        tokens = []
        for client in (first, second):
            page = client.get(f"/track/{case_.tracking_code}/").content
            tokens.append(TOKEN.search(page).group(1).decode())
        self.assertNotEqual(tokens[0], tokens[1])
        r = second.post(
            f"/track/{case_.tracking_code}/answer/",
            {"answer": "نشانی دقیق این است", "csrfmiddlewaretoken": tokens[1]},
        )
        self.assertEqual(r.status_code, 302)
        page = second.get(r["Location"]).content.decode()
        self.assertIn("پاسخ شما ثبت شد", page)  # the flash message: never a cached page
        case_.refresh_from_db()
        self.assertEqual(case_.status, "submitted")

    def test_a_browser_holding_the_csrf_cookie_is_not_sent_it_again(self):
        case_ = self.make_case()
        client = self.tracked(case_, Client(enforce_csrf_checks=True))
        self.assertIn("csrftoken", client.cookies)
        for _ in range(2):  # rendered, then served as it was
            response = client.get(f"/track/{case_.tracking_code}/")
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("csrftoken", response.cookies)
        first_visit = Client(enforce_csrf_checks=True).get("/track/")  # no cookie yet: one is set
        self.assertEqual(len(first_visit.cookies["csrftoken"].value), 32)

    def test_a_form_sent_without_its_cookie_gets_a_persian_page_and_saves_nothing(self):
        case_ = self.make_case()
        case_request_info(case=case_, question="عکس محل را بفرستید", actor=self.manager1)
        client = self.tracked(case_, Client(enforce_csrf_checks=True))
        page = client.get(f"/track/{case_.tracking_code}/").content
        token = TOKEN.search(page).group(1).decode()
        answer = {"answer": "نشانی دقیق این است", "csrfmiddlewaretoken": token}
        url = f"/track/{case_.tracking_code}/answer/"

        client.cookies["csrftoken"] = "d" * 32  # a new cookie since: the page's token is stale
        stale = client.post(url, answer)
        self.assertEqual(stale.status_code, 403)
        text = stale.content.decode()
        self.assertIn('dir="rtl"', text)
        self.assertIn("از صفحه‌ای قدیمی فرستاده شد", text)
        self.assertIn("چیزی ثبت نشده است", text)

        del client.cookies["csrftoken"]  # expired, or cookies turned off
        gone = client.post(url, answer)
        self.assertEqual(gone.status_code, 403)
        self.assertIn("کوکی‌ها را برای این نشانی روشن کنید", gone.content.decode())
        case_.refresh_from_db()
        self.assertEqual(case_.status, "info_requested")
        self.assertFalse(case_.events.filter(note__contains="نشانی دقیق").exists())

        client.cookies["pishkhan_language"] = "en"
        self.assertIn("nothing was saved", client.post(url, answer).content.decode())


def _jdatetime(value: dt.datetime) -> str:
    from pishkhan.core.templatetags.fa import jdatetime

    return jdatetime(value, "long")


class TrackRevalidationTests(Tracking):
    """A returning browser asks with the ETag of its copy: 304 and no page while it holds."""

    def test_the_browser_copy_is_confirmed_until_something_changes(self):
        case = self.make_case()
        self.tracked(case)
        url = f"/track/{case.tracking_code}/"
        first = self.client.get(url)
        tag = first["ETag"]
        again = self.client.get(url, HTTP_IF_NONE_MATCH=tag)
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        case_accept(case=case, needs_visit=False, actor=self.manager1)
        changed = self.client.get(url, HTTP_IF_NONE_MATCH=tag)
        self.assertEqual(changed.status_code, 200)
        self.assertIn("پذیرفته‌شده", changed.content.decode())
        self.assertNotEqual(changed["ETag"], tag)

    def test_a_new_csrf_cookie_or_the_clock_gets_a_whole_page(self):
        case = self.make_case()
        self.tracked(case)
        url = f"/track/{case.tracking_code}/"
        tag = self.client.get(url)["ETag"]
        self.client.cookies["csrftoken"] = "c" * 32  # the copy's token belongs to the old one
        self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH=tag).status_code, 200)
        tag = self.client.get(url)["ETag"]
        later = timezone.now() + dt.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH=tag).status_code, 200)

    def test_a_forged_tag_cannot_see_another_case(self):
        mine = self.make_case()
        other = self.make_case(mobile="09120000001")
        self.tracked(mine)
        tag = self.client.get(f"/track/{mine.tracking_code}/")["ETag"]
        response = self.client.get(f"/track/{other.tracking_code}/", HTTP_IF_NONE_MATCH=tag)
        self.assertEqual(response.status_code, 404)  # the proof comes first


class TrackLanguageTests(Tracking):
    def test_each_language_its_own_page_and_the_promise_in_english_dates(self):
        case = self.make_case()
        self.tracked(case)
        persian = self.view(case)
        self.client.cookies["pishkhan_language"] = "en"
        english = self.view(case)
        promise = re.search(r'class="alert [^"]*promise"[^>]*>(.*?)</div>', english, re.S)
        self.assertIsNotNone(promise)
        self.assertNotRegex(promise.group(1), "[\u0600-\u06ff]")  # no Persian month or digits
        self.assertIn("در جلسهٔ", persian)
