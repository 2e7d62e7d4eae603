"""The weekly meeting through the REST API: agenda → freeze → session → decisions → close → sign."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pishkhan.cases.models import Case
from pishkhan.meetings.models import Meeting, Signature
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.test import PASSWORD, BaseTestCase, make_city

API = "/api/v1/"


@override_settings(ALLOWED_HOSTS=[".test", "testserver"])
class MeetingFlowTests(BaseTestCase):
    client_class = APIClient

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cases = [
            make_case(cls.city, status="visited", lat=36.84 + i, lon=54.43 + i) for i in range(3)
        ]
        cls.other = make_city("othercity")

    def as_user(self, user) -> None:
        token, _ = Token.objects.get_or_create(user=user)
        self.client.credentials(
            HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST=f"{user.municipality.slug}.test"
        )

    def post(self, path, data=None):
        return self.client.post(API + f"meetings/{self.week}/{path}", data or {}, format="json")

    def setUp(self) -> None:
        self.week = this_week().isoformat()

    def test_full_meeting(self):
        # Only the secretary prepares the agenda.
        self.as_user(self.member)
        self.assertEqual(self.post("agenda/build/").status_code, 403)
        self.as_user(self.secretary)
        self.assertEqual(
            self.client.post(API + "meetings/3026-01-01/agenda/build/").status_code, 404
        )
        r = self.post("agenda/build/")
        self.assertEqual(r.status_code, 200, r.content)
        items = r.json()["items"]
        self.assertEqual(len(items), 3)
        r = self.post("agenda/merge/", {"items": [1, 2]})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(len(r.json()["items"]), 2)
        merged = r.json()["items"][0]
        r = self.post("agenda/split/", {"item": 1, "cases": merged["cases"][:1]})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(len(r.json()["items"]), 3)
        self.assertEqual(self.post("agenda/move/", {"item": 3, "position": 1}).status_code, 200)
        self.assertEqual(self.post("agenda/move/", {"item": 9, "position": 1}).status_code, 400)
        self.assertEqual(
            self.post("start/", {"present": [self.member.pk]}).status_code, 400
        )  # not frozen
        r = self.post("agenda/freeze/")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "frozen"))
        self.assertEqual(
            self.post("agenda/merge/", {"items": [1, 2]}).status_code, 400
        )  # frozen now
        self.assertEqual(
            Case.objects.filter(pk__in=[c.pk for c in self.cases], status="on_agenda").count(), 3
        )

        # The session.
        present = [self.member.pk, self.member2.pk, self.mayor.pk]
        self.assertEqual(
            self.post("start/", {"present": [self.member.pk]}).status_code, 400
        )  # no quorum
        self.assertEqual(
            self.post("start/", {"present": [self.other["member"].pk]}).status_code, 400
        )
        r = self.post("start/", {"present": present})
        self.assertEqual((r.status_code, r.json()["status"]), (200, "in_session"), r.content)
        deadline = (dt.date.fromisoformat(self.week) + dt.timedelta(days=20)).isoformat()
        self.assertEqual(
            self.post(
                "decisions/", {"item": 1, "outcome": "approve", "text": "اجرا شود"}
            ).status_code,
            400,
        )
        self.assertEqual(
            self.post(
                "decisions/",
                {
                    "item": 1,
                    "outcome": "approve",
                    "text": "اجرا شود",
                    "lead_department": "nowhere",
                    "deadline": deadline,
                },
            ).status_code,
            400,
        )
        for n in (1, 2, 3):
            r = self.post(
                "decisions/",
                {
                    "item": n,
                    "outcome": "approve",
                    "text": f"دستور {n} اجرا شود",
                    "lead_department": "civil",
                    "supporting_departments": ["green"],
                    "deadline": deadline,
                },
            )
            self.assertEqual(r.status_code, 200, r.content)
            for member in present:
                self.assertEqual(
                    self.post(
                        "positions/", {"item": n, "member": member, "stance": "agree"}
                    ).status_code,
                    200,
                )
        self.assertEqual(
            self.post(
                "positions/", {"item": 1, "member": self.operator.pk, "stance": "agree"}
            ).status_code,
            400,
        )
        # A retried request with the same position is answered as recorded; another position
        # from the same member is refused in Persian, and the recorded one stands.
        from pishkhan.meetings.models import Position

        member = present[0]
        again = self.post("positions/", {"item": 1, "member": member, "stance": "agree"})
        self.assertEqual(again.status_code, 200, again.content)
        changed = self.post("positions/", {"item": 1, "member": member, "stance": "disagree"})
        self.assertEqual(changed.status_code, 400, changed.content)
        self.assertIn("پیش‌تر ثبت شده است", changed.content.decode())
        recorded = Position.objects.get(decision__item__number=1, member_id=member)
        self.assertEqual(recorded.stance, "agree")
        self.assertEqual(recorded.recorded_by_id, self.secretary.pk)  # entered for the member
        self.as_user(self.member)
        self.assertEqual(
            self.post("close/").status_code, 403
        )  # board members do not run the meeting
        self.as_user(self.secretary)
        r = self.post("close/")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "closed"), r.content)
        self.assertEqual(r.json()["items"][0]["decision"]["lead_department"], "civil")

        # Signatures: password, present members, mayor last; the last seals.
        self.assertEqual(
            self.post("sign/", {"password": PASSWORD}).status_code, 403
        )  # secretary cannot sign
        self.as_user(self.mayor)
        r = self.post("sign/", {"password": PASSWORD})
        self.assertEqual(r.status_code, 400)
        self.assertIn("شهردار", r.json()["detail"])
        self.as_user(self.member)
        self.assertEqual(self.post("sign/", {"password": "wrong"}).status_code, 400)
        self.assertEqual(self.post("sign/", {"password": PASSWORD}).status_code, 200)
        self.as_user(self.member2)
        self.assertEqual(self.post("sign/", {"password": PASSWORD}).status_code, 200)
        self.as_user(self.mayor)
        r = self.post("sign/", {"password": PASSWORD})
        self.assertEqual((r.status_code, r.json()["status"]), (200, "signed"), r.content)
        self.assertEqual(Signature.objects.filter(meeting__week_start=self.week).count(), 3)
        self.assertTrue(Meeting.objects.get(municipality=self.m, week_start=self.week).chain_hash)

    def test_other_city_and_refused_roles(self):
        self.as_user(self.secretary)
        self.assertEqual(self.post("agenda/build/").status_code, 200)
        self.as_user(self.other["secretary"])
        self.assertEqual(self.post("agenda/freeze/").status_code, 404)
        self.as_user(self.other["member"])
        self.assertEqual(self.client.get(API + f"meetings/{self.week}/").status_code, 404)
        for user in (self.operator, self.head_civil, self.manager1):
            self.as_user(user)
            self.assertEqual(self.post("agenda/freeze/").status_code, 403, user.role)
            self.assertEqual(self.post("start/", {"present": []}).status_code, 403, user.role)
