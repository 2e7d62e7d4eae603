"""The calendar feed, attacked as the outside test did (issue 13, item 4): it showed citizens'
full mobiles, names and addresses, its link never expired and could not be revoked, and under
`make run` anyone could sign a valid link with the key printed in the source."""

import datetime as dt
from unittest import mock

from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pishkhan.cases.selectors import FULL_PII_ROLES
from pishkhan.core.validators import mask_mobile
from pishkhan.cycle.services import week_get_or_create
from pishkhan.test import BaseTestCase
from pishkhan.visits.models import CalendarFeed, Visit
from pishkhan.visits.services import calendar_feed_issue, calendar_feed_revoke, visits_plan
from pishkhan.visits.tests.helpers import at, submit

NOV21 = dt.date(2026, 11, 21)
MON = dt.date(2026, 11, 23)


def unfolded(body: str) -> str:
    return body.replace("\r\n ", "")


class CalendarFeedTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        week = week_get_or_create(cls.m, NOV21)
        for i in range(3):
            submit(cls.city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
        visits_plan(week=week, now=at(2026, 11, 22, 23, 59))
        cls.visits = list(Visit.objects.filter(manager=cls.senior).select_related("case"))

    def feed(self, token: str):
        with mock.patch("django.utils.timezone.localdate", return_value=MON):
            return self.client.get(reverse("visits:ical", args=[token]))

    def test_feed_masks_the_citizen_as_the_office_does_for_the_role(self):
        response = self.feed(calendar_feed_issue(actor=self.senior))
        self.assertEqual(response.status_code, 200)
        body = unfolded(response.content.decode())
        self.assertTrue(self.visits)
        for visit in self.visits:
            case = visit.case
            local = "0" + case.citizen_mobile[3:]
            self.assertNotIn(case.citizen_mobile, body)
            self.assertNotIn(local, body)
            self.assertNotIn(case.citizen_name, body)
            self.assertNotIn(case.address, body)
            self.assertNotIn(f"{case.lat:.6f}", body)
            # the office's rule for the role (cases.selectors.FULL_PII_ROLES): masked
            self.assertNotIn(self.senior.role, FULL_PII_ROLES)
            self.assertIn(mask_mobile(case.citizen_mobile), body)
            self.assertIn(case.tracking_code, body)
        self.assertIn("URL:http://testserver/office/visits/today/?day=", body)

    def test_link_signed_with_the_old_source_code_key_is_refused(self):
        forged = signing.Signer(key="insecure-dev-key-change-me", salt="pishkhan.visits.ical")
        self.assertEqual(self.feed(forged.sign(str(self.senior.pk))).status_code, 404)
        # nor does a link signed with this install's own key work: links are random tokens
        self.assertEqual(
            self.feed(
                signing.Signer(salt="pishkhan.visits.ical").sign(str(self.senior.pk))
            ).status_code,
            404,
        )

    def test_regenerating_kills_the_old_link_and_revoking_kills_the_new(self):
        old = calendar_feed_issue(actor=self.senior)
        new = calendar_feed_issue(actor=self.senior)
        self.assertEqual(self.feed(old).status_code, 404)
        self.assertEqual(self.feed(new).status_code, 200)
        self.assertTrue(calendar_feed_revoke(actor=self.senior))
        self.assertEqual(self.feed(new).status_code, 404)
        self.assertFalse(calendar_feed_revoke(actor=self.senior))

    @override_settings(ICAL_FEED_DAYS=90)
    def test_link_expires_after_the_configured_days(self):
        made = timezone.now()
        token = calendar_feed_issue(actor=self.senior, now=made)
        feed = CalendarFeed.objects.get(user=self.senior)
        self.assertEqual(feed.expires_at, made + dt.timedelta(days=90))
        self.assertNotEqual(feed.token_hash, token)  # only the hash is kept
        self.assertEqual(self.feed(token).status_code, 200)
        with mock.patch("django.utils.timezone.now", return_value=made + dt.timedelta(days=91)):
            self.assertEqual(self.feed(token).status_code, 404)

    def test_link_dies_with_the_role_or_the_account(self):
        token = calendar_feed_issue(actor=self.senior)
        self.senior.is_active = False
        self.senior.save(update_fields=["is_active"])
        self.assertEqual(self.feed(token).status_code, 404)

    def test_owner_regenerates_and_revokes_from_the_route_page(self):
        self.login(self.senior)
        response = self.client.post(reverse("visits:ical_issue"))
        self.assertRedirects(response, reverse("visits:today"), fetch_redirect_response=False)
        page = self.client.get(reverse("visits:today")).content.decode()
        self.assertIn('id="ical-url"', page)  # shown once ...
        url = page.split('id="ical-url"')[1].split('value="')[1].split('"')[0]
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        self.assertEqual(self.feed(token).status_code, 200)
        self.client.force_login(self.senior)
        again = self.client.get(reverse("visits:today")).content.decode()
        self.assertNotIn(token, again)  # ... then only its dates
        self.assertIn(reverse("visits:ical_revoke"), again)
        self.client.post(reverse("visits:ical_revoke"))
        self.assertEqual(self.feed(token).status_code, 404)
        self.assertFalse(CalendarFeed.objects.filter(user=self.senior).exists())

    def test_only_a_senior_manager_gets_a_link(self):
        for user in (self.secretary, self.auditor, self.admin):
            self.login(user)
            self.assertEqual(self.client.post(reverse("visits:ical_issue")).status_code, 403)
        self.assertFalse(CalendarFeed.objects.exists())
