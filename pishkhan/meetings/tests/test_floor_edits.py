"""The floor at volume: the consent list answered in place (htmx) in a fixed number of queries,
and positions that no longer stand when the decision they were taken on is edited."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pishkhan.meetings import floor, services
from pishkhan.meetings.models import Decision, MeetingEvent, Position
from pishkhan.meetings.tests.test_floor import FloorSetup
from pishkhan.notify.models import Message

HX = {"HX-Request": "true"}


class ConsentInPlaceTests(FloorSetup):
    def _url(self) -> str:
        return f"/office/meetings/{self.meeting.pk}/consent/"

    def test_consent_answers_with_the_list_in_place_in_fixed_queries(self) -> None:
        self.login(self.secretary)
        self.client.post(self._url(), {"action": "mark", "items": []}, headers=HX)  # warm-up
        with CaptureQueriesContext(connection) as few:
            page = self.client.post(self._url(), {"action": "uncontested"}, headers=HX)
        self.assertEqual(page.status_code, 200)
        body = page.content.decode()
        self.assertTrue(body.startswith('<div id="floor">'))  # the list, not a whole page
        self.assertNotIn("<html", body)
        self.assertIn("data-floor-message", body)
        self.assertIn("۳ دستور بدون مخالفت علامت خورد", body)  # Persian digits
        self.assertIn('hx-swap-oob="true"', body)  # the progress line follows
        self.add_reported_items(30)
        with CaptureQueriesContext(connection) as many:
            page = self.client.post(self._url(), {"action": "uncontested"}, headers=HX)
        self.assertContains(page, "۳۳ دستور بدون مخالفت علامت خورد")
        # marking writes one row per call whatever the count; the page reads in fixed queries
        self.assertEqual(len(many), len(few))
        ids = list(self.meeting.items.filter(consent=True).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as decide:
            page = self.client.post(self._url(), {"action": "decide", "items": ids}, headers=HX)
        self.assertContains(page, "۳۳ دستور یکجا تصمیم گرفته شد")
        self.assertEqual(Decision.objects.filter(item__meeting=self.meeting).count(), 33)
        self.assertLess(len(decide), 33 * 12)  # per item: the decision, its positions, events

    def test_in_english_the_floor_speaks_english_with_latin_digits(self) -> None:
        self.login(self.secretary)
        self.client.cookies["pishkhan_language"] = "en"
        page = self.client.post(self._url(), {"action": "uncontested"}, headers=HX)
        self.assertContains(page, "3 uncontested items marked.")
        self.assertContains(page, "Consent agenda (items without discussion)")
        pulled = self._item_with_visit(1)
        floor.consent_pull(item=pulled, actor=self.member)
        page = self.client.post(self._url(), {"action": "decide", "items": [pulled.pk]}, headers=HX)
        self.assertContains(page, f"Items {pulled.number} have been pulled out for discussion")

    def test_a_refused_consent_action_keeps_the_marks_less_the_pulled_item(self) -> None:
        proposals = [self._item_with_visit(n) for n in range(3)]
        floor.consent_pull(item=proposals[1], actor=self.member, note="بحث لازم است")
        self.login(self.secretary)
        ids = [i.pk for i in proposals]
        page = self.client.post(self._url(), {"action": "decide", "items": ids}, headers=HX)
        self.assertContains(page, 'role="alert" data-floor-message')
        self.assertContains(page, "برای بحث بیرون کشیده شده")
        self.assertFalse(Decision.objects.exists())  # nothing half-written
        body = page.content.decode()
        for item in (proposals[0], proposals[2]):  # still ticked on the secretary's screen
            self.assertRegex(body, rf'value="{item.pk}"[^>]*checked')
        self.assertNotRegex(body, rf'value="{proposals[1].pk}"[^>]*checked')
        # without htmx: the same refusal, as a message after a redirect
        page = self.client.post(self._url(), {"action": "decide", "items": ids}, follow=True)
        self.assertContains(page, "برای بحث بیرون کشیده شده")


class PositionsOnEditTests(FloorSetup):
    def _decide(self, item, **change):  # type: ignore[no-untyped-def]
        values = {
            "outcome": "approve",
            "text": "آسفالت شود",
            "lead_department": self.civil,
            "deadline": timezone.localdate() + dt.timedelta(days=9),
        }
        values.update(change)
        return services.decision_record(item=item, actor=self.secretary, **values)

    def test_editing_the_terms_clears_positions_and_tells_the_members(self) -> None:
        item = self._item_with_visit(0)
        d = self._decide(item)
        floor.position_record(decision=d, member=self.member, stance="agree", actor=self.member)
        floor.position_record(decision=d, member=self.mayor, stance="abstain", actor=self.secretary)
        # the same terms saved again (the secretary pressed save twice): positions stand
        self._decide(item)
        self.assertEqual(Position.objects.filter(decision=d).count(), 2)
        self.assertFalse(Message.objects.filter(template__endswith="positions_cleared").exists())
        # the meeting changes the deadline: the positions no longer stand
        self._decide(item, deadline=timezone.localdate() + dt.timedelta(days=30))
        self.assertFalse(Position.objects.filter(decision=d).exists())
        told = Message.objects.filter(template="meetings/messages/positions_cleared")
        self.assertEqual({m.to for m in told}, {self.member.mobile, self.mayor.mobile})
        event = MeetingEvent.objects.get(meeting=self.meeting, kind="positions_cleared")
        self.assertEqual(
            {(p["member"], p["stance"]) for p in event.data["positions"]},
            {(self.member.pk, "agree"), (self.mayor.pk, "abstain")},
        )  # the old positions are kept in the meeting's history
        # the member is asked again on their device and may now record a position
        self.login(self.member)
        self.meeting.current_item = item
        self.meeting.save(update_fields=["current_item"])
        live = self.client.get(f"/office/meetings/{self.meeting.pk}/live/current/")
        self.assertContains(live, "position-form")
        self.assertContains(live, "data-cleared")  # told on the device, not only by message
        floor.position_record(decision=d, member=self.member, stance="disagree", actor=self.member)
        self.assertEqual(Position.objects.get(decision=d).stance, "disagree")

    def test_changing_the_supporting_departments_also_counts(self) -> None:
        item = self._item_with_visit(0)
        d = self._decide(item)
        floor.position_record(decision=d, member=self.member, stance="agree", actor=self.member)
        self._decide(item, supporting_departments=[self.green])
        self.assertFalse(Position.objects.filter(decision=d).exists())


class SavedItemFoldsTests(FloorSetup):
    def test_a_saved_item_folds_back_into_its_row_with_the_tally(self) -> None:
        item = self._item_with_visit(0)
        self.login(self.secretary)
        self.client.get(f"/office/meetings/{self.meeting.pk}/items/{item.pk}/open/", headers=HX)
        prefix = f"i{item.pk}-"
        page = self.client.post(
            f"/office/meetings/{self.meeting.pk}/items/{item.pk}/decide/",
            {
                f"{prefix}outcome": "approve",
                f"{prefix}text": "آسفالت معبر 0",
                f"{prefix}lead_department": self.civil.pk,
                f"{prefix}deadline": "1499/01/01",
            },
            headers=HX,
        )
        body = page.content.decode()
        self.assertTrue(body.startswith('<li class="item-row'), body[:200])
        self.assertIn('role="status"', body)
        self.assertIn(f'id="tally-{item.pk}"', body)
        self.assertIn('hx-trigger="every 3s"', body)  # the item on the table: live tally
        self.assertNotIn("<form", body)
        # a refused save keeps the form open with the Persian message
        page = self.client.post(
            f"/office/meetings/{self.meeting.pk}/items/{item.pk}/decide/",
            {f"{prefix}outcome": "approve", f"{prefix}text": "آسفالت"},
            headers=HX,
        )
        self.assertContains(page, "واحد مجری و مهلت اجرا لازم است")
        self.assertContains(page, "<form")
