"""The agenda item shows the visit's photos and a check-in that looks wrong."""

from __future__ import annotations

from django.utils import timezone

from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.test import BaseTestCase
from pishkhan.visits.models import Visit, VisitPhoto


class AgendaVisitTests(BaseTestCase):
    def test_agenda_item_shows_visit_photos_and_a_far_check_in(self) -> None:
        start = this_week()
        case = make_case(self.city, status="visited")
        visit = Visit.objects.create(
            municipality=self.m,
            case=case,
            week_start=start,
            manager=self.senior,
            day=start,
            status="reported",
            recommendation="approve",
            findings="نشست آسفالت",
            checkin_flags="far,wrong_day",
            checkin_distance_m=301_000,
        )
        shot = VisitPhoto.objects.create(visit=visit, file=photo("site.jpg"))
        meeting = services.meeting_for_date(municipality=self.m, week_start=start)
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        item = meeting.items.get()
        self.assertIn("دور از محل", item.summary)
        self.assertIn("۳۰۱٬۰۰۰ متر", item.summary)  # Persian digits and separator
        self.login(self.secretary)
        page = self.client.get(f"/office/meetings/{meeting.pk}/")
        self.assertContains(page, f"/office/visits/photos/{shot.pk}/")
