"""The demo's visits part plans this week's accepted cases and files some reports."""

from django.test import TestCase
from django.utils import timezone

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Case, ServiceType
from pishkhan.cases.services import case_accept, case_submit
from pishkhan.demo import visits as demo_visits
from pishkhan.demo.org import seed_org
from pishkhan.visits.models import Visit


class DemoVisitsTests(TestCase):
    def test_seed_plans_and_reports(self):
        m = seed_org()
        managers = {
            u.district_id: u
            for u in User.objects.filter(municipality=m, role=Role.DISTRICT_MANAGER)
        }
        services = list(ServiceType.objects.filter(municipality=m, needs_visit=True)[:3])
        now = timezone.now()
        week = None
        for i in range(6):
            district = list(managers)[i % len(managers)]
            place = m.districts.get(pk=district)  # a point inside the district (it has a boundary)
            case = case_submit(
                municipality=m,
                channel="web",
                citizen_name=f"شهروند {i}",
                citizen_mobile=f"0912000{i:04d}",
                service=services[i % len(services)],
                description="درخواست بازدید از محل برای بررسی",
                lat=place.center_lat + i / 4000,
                lon=place.center_lon + i / 5000,
                district=place,
                now=now,
            )
            case_accept(case=case, needs_visit=True, actor=managers[district])
            week = case.week_start
        Case.objects.filter(municipality=m).update(week_start=demo_week(now))
        demo_visits.seed(m)
        self.assertEqual(Visit.objects.filter(municipality=m).count(), 6)
        self.assertEqual(Visit.objects.filter(municipality=m, status="reported").count(), 4)
        self.assertEqual(Case.objects.filter(municipality=m, status="visited").count(), 4)
        self.assertIsNotNone(week)


def demo_week(now):
    from pishkhan.core.jalali import TEHRAN, week_start

    return week_start(now.astimezone(TEHRAN).date())
