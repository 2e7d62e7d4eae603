"""Demo: last week's meeting — decided, signed by every member, sealed, dispatched; some orders
done, one overdue (and so already queued for this week's agenda)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from pishkhan.accounts.models import Department, District, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.cases import services as case_services
from pishkhan.cases.models import ServiceType
from pishkhan.core.jalali import combine, week_start
from pishkhan.demo.org import DEMO_PASSWORD
from pishkhan.directives import services as directive_services
from pishkhan.directives.models import Directive
from pishkhan.meetings import services
from pishkhan.visits.models import Visit

ITEMS = [
    # (district no., service code, description, address, decision text, lead, support, days, lat, lon)
    (
        1,
        None,
        "چالهٔ عمیق در ورودی کوچهٔ مدرسه؛ خطر برای دانش‌آموزان",
        "خیابان ولیعصر، عدالت ۱۲",
        "ترمیم آسفالت و لکه‌گیری ورودی کوچه با اولویت",
        "civil",
        ["traffic"],
        6,
        36.8431,
        54.4512,
    ),
    (
        2,
        None,
        "درختان خشک‌شدهٔ پارک محله نیاز به قطع و جایگزینی دارند",
        "پارک شهید بهشتی",
        "قطع درختان خشک و کاشت نهال جایگزین در فصل مناسب",
        "green",
        [],
        14,
        36.8291,
        54.4201,
    ),
    (
        3,
        None,
        "تجمع نخاله و زبالهٔ ساختمانی در زمین خالی کنار بلوار",
        "بلوار ناهارخوران، نبش گلستان ۴",
        "جمع‌آوری نخاله و اخطار به مالک زمین",
        "services",
        [],
        1,
        36.8395,
        54.4833,
    ),
    (
        1,
        None,
        "نبود خط‌کشی عابر پیاده جلوی درمانگاه",
        "خیابان امام، روبه‌روی درمانگاه",
        "خط‌کشی عابر پیاده و نصب تابلوی کاهش سرعت",
        "traffic",
        [],
        10,
        36.8440,
        54.4550,
    ),
]


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (60, 140, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("evidence.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed(municipality: Municipality) -> None:
    today = timezone.localdate()
    start = week_start(today) - dt.timedelta(days=7)
    intake = combine(start, dt.time(10, 0))
    managers = {
        u.district_id: u
        for u in User.objects.filter(municipality=municipality, role=Role.DISTRICT_MANAGER)
    }
    senior = User.objects.filter(municipality=municipality, role=Role.SENIOR_MANAGER).first()
    departments = {d.code: d for d in Department.objects.filter(municipality=municipality)}
    districts = {d.number: d for d in District.objects.filter(municipality=municipality)}
    secretary = User.objects.get(municipality=municipality, role=Role.SECRETARY)
    mayor = User.objects.get(municipality=municipality, role=Role.MAYOR)
    members = list(
        User.objects.filter(municipality=municipality, role=Role.BOARD_MEMBER).order_by("id")
    )
    cases = []
    for n, (district_no, _, text, address, *_rest, lat, lon) in enumerate(ITEMS):
        lead_code = ITEMS[n][5]
        service = (
            ServiceType.objects.filter(
                municipality=municipality, department__code=lead_code
            ).first()
            or ServiceType.objects.filter(municipality=municipality).first()
        )
        assert service is not None  # noqa: S101 - the demo org has a Services List
        district = districts[district_no]
        case = case_services.case_submit(
            municipality=municipality,
            channel="web",
            citizen_name=f"شهروند نمونهٔ {n + 1}",
            citizen_mobile=f"0912300{n:04d}",
            service=service,
            description=text,
            address=address,
            lat=lat,
            lon=lon,
            district=district,
            now=intake,
        )
        if case.week_start != start:  # arrived after the cut-off in this configuration
            from pishkhan.cases.models import Case

            Case.objects.filter(pk=case.pk).update(week_start=start)
        case_services.case_accept(case=case, needs_visit=True, actor=managers.get(district.pk))
        if senior is not None:
            Visit.objects.create(
                municipality=municipality,
                case=case,
                week_start=start,
                manager=senior,
                day=start + dt.timedelta(days=2),
                status="reported",
                findings="مشکل در محل تأیید شد",
                recommendation="approve",
                proposed_text=ITEMS[n][4],
                lead_department=departments.get(lead_code),
                urgency=3 if n == 0 else 2,
                reported_at=combine(start + dt.timedelta(days=2), dt.time(10, 0)),
            )
            case_services.case_mark_visited(case=case, actor=senior)
        cases.append(case)
    meeting_at = combine(start + dt.timedelta(days=4), dt.time(13, 30))
    meeting = services.meeting_for_date(municipality=municipality, week_start=start)
    services.agenda_build(meeting=meeting, now=meeting_at - dt.timedelta(hours=3), actor=secretary)
    services.agenda_freeze(meeting=meeting, now=meeting_at - dt.timedelta(hours=2), actor=secretary)
    present = [*members, mayor]
    services.meeting_start(meeting=meeting, present=present, actor=secretary, now=meeting_at)
    by_case = {c.pk: spec for c, spec in zip(cases, ITEMS, strict=True)}
    for item in meeting.items.prefetch_related("cases").order_by("number"):
        spec = next((by_case[c.pk] for c in item.cases.all() if c.pk in by_case), None)
        if spec is None:  # other demo parts' cases on the same agenda: defer them explicitly
            services.decision_record(
                item=item,
                outcome="defer",
                text="برای بررسی بیشتر به هفتهٔ بعد موکول شد",
                actor=secretary,
            )
            continue
        decision = services.decision_record(
            item=item,
            outcome="approve",
            text=spec[4],
            actor=secretary,
            lead_department=departments[spec[5]],
            supporting_departments=[departments[c] for c in spec[6] if c in departments],
            deadline=meeting_at.date() + dt.timedelta(days=spec[7]),
            cost_note="از محل اعتبار نگهداری معابر",
        )
        for i, member in enumerate(present):
            stance = "abstain" if (i == 1 and item.number == 2) else "agree"
            services.position_set(decision=decision, member=member, stance=stance, actor=secretary)
    services.meeting_close(meeting=meeting, actor=secretary, now=meeting_at + dt.timedelta(hours=2))
    for i, member in enumerate(present):
        services.minutes_sign(
            meeting=meeting,
            member=member,
            password=DEMO_PASSWORD,
            now=meeting_at + dt.timedelta(hours=3, minutes=i * 5),
        )
    dispatch_at = combine(start + dt.timedelta(days=5), dt.time(8, 0))
    meeting.refresh_from_db()
    directive_services.meeting_dispatch(meeting=meeting, actor=None, now=dispatch_at)
    heads = {
        u.department_id: u
        for u in User.objects.filter(municipality=municipality, role=Role.DEPARTMENT_HEAD)
    }
    for directive in Directive.objects.filter(decision__item__meeting=meeting).order_by("id"):
        head = heads.get(directive.department_id)
        if head is None:
            continue
        later = dispatch_at + dt.timedelta(hours=3)
        directive_services.directive_acknowledge(directive=directive, actor=head, now=later)
        if directive.department.code in ("civil", "traffic"):
            directive_services.directive_complete(
                directive=directive,
                note="کار انجام و محل بازدید شد",
                actor=head,
                files=[_photo()],
                now=later + dt.timedelta(days=1),
            )
        elif directive.department.code == "green":
            directive_services.directive_progress(
                directive=directive,
                progress=30,
                note="نهال‌ها سفارش داده شد",
                actor=head,
                now=later + dt.timedelta(days=1),
            )
    # the waste order had one day: it is overdue now, and the deputy has been told
    directive_services.directives_mark_overdue(now=timezone.now(), municipality_id=municipality.pk)
