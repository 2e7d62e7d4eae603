"""Demo citizen requests: ~120 Persian cases over this week and the three before, every district
and channel, in the states the district managers' desk produces (all through the services)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pishkhan.accounts.models import Committee, District, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Case, CaseEvent, RejectReason, ServiceType
from pishkhan.cases.services import (
    case_accept,
    case_merge,
    case_reject,
    case_request_info,
    case_submit,
)
from pishkhan.core.jalali import TEHRAN, combine, week_start

TEXTS = {
    "pothole": [
        "چالهٔ بزرگی وسط {street} ایجاد شده و خودروها آسیب می‌بینند",
        "آسفالت {street} بعد از حفاری گاز ترمیم نشده است",
    ],
    "sidewalk": [
        "جدول‌های پیاده‌رو {street} شکسته و برای سالمندان خطرناک است",
        "پیاده‌روی {street} پر از دست‌انداز است و ویلچر رد نمی‌شود",
    ],
    "drainage": [
        "با هر باران {street} آب‌گرفتگی دارد و آب وارد خانه‌ها می‌شود",
        "کانال آب سطحی {street} پر از گل و لای شده است",
    ],
    "waste": [
        "نخالهٔ ساختمانی چند هفته است در {street} رها شده",
        "سطل‌های زبالهٔ {street} هر روز سرریز می‌شوند",
    ],
    "cleaning": ["{street} چند روز است رفت‌وروب نشده و برگ‌ها جوی را بسته‌اند"],
    "lighting": [
        "چراغ‌های {street} خاموش است و شب‌ها کوچه کاملاً تاریک است",
        "تیر چراغ برق پارک نزدیک {street} کج شده و لامپ ندارد",
    ],
    "stray": ["سگ‌های بلاصاحب در {street} برای بچه‌های مدرسه ترس ایجاد کرده‌اند"],
    "tree": [
        "شاخه‌های درخت چنار در {street} روی سیم برق افتاده است",
        "درخت خشک‌شدهٔ {street} در خطر افتادن روی خودروهاست",
    ],
    "park": [
        "وسایل بازی کودکان در پارک کنار {street} شکسته است",
        "آبیاری فضای سبز {street} انجام نمی‌شود و چمن‌ها خشک شده",
    ],
    "speedbump": ["خودروها با سرعت زیاد از {street} جلوی مدرسه عبور می‌کنند؛ سرعت‌کاه لازم است"],
    "parking": ["پارک دوبله در {street} راه عبور آمبولانس را می‌بندد"],
    "encroach": [
        "مغازه‌دار {street} پیاده‌رو را با اجناس اشغال کرده است",
        "دیوار یک ساختمان در {street} وارد حریم معبر شده است",
    ],
    "permit": ["پروانهٔ ساختمانی ملک من در {street} سه ماه است بی‌پاسخ مانده"],
    "duties": ["در محاسبهٔ عوارض نوسازی ملکم در {street} اشتباه شده است"],
    "safety": ["ساختمان نیمه‌کارهٔ {street} بدون حصار است و برای کودکان خطر دارد"],
    "social": ["کودکان کار سر چهارراه {street} شب‌ها در سرما می‌مانند"],
}
STREETS = [
    "خیابان ولیعصر، کوچهٔ لاله",
    "بلوار جرجان، نبش عدالت ۱۲",
    "خیابان شالیکوبی، کوچهٔ گلستان",
    "میدان کاخ، ابتدای خیابان امام",
    "خیابان ولی‌آباد، کوچهٔ شهید رجایی",
    "بلوار ناهارخوران، جنب پارک",
    "خیابان سرخواجه، کوچهٔ سوم",
    "کوی بهزیستی، خیابان دوم",
    "خیابان طالقانی، روبه‌روی مدرسه",
    "شهرک انقلاب، خیابان پنجم",
    "خیابان مفتح، کوچهٔ سرو",
    "بلوار هیرکان، کنار ایستگاه اتوبوس",
]
NAMES = [
    "علی رضایی",
    "فاطمه محمدی",
    "حسن قربانی",
    "زینب کاظمی",
    "مهدی صالحی",
    "معصومه نظری",
    "جواد شاه‌محمدی",
    "سمیه فلاحی",
    "رضا آخوندی",
    "نرگس یزدانی",
    "امید کرمانی",
    "پروین ترکمان",
    "محسن عطایی",
    "الهام بابایی",
    "حمید گرگانی",
    "طاهره دهقان",
    "یوسف میرزایی",
    "مریم خلیلی",
]
CHANNELS = ["web", "web", "web", "phone", "phone", "walk_in", "letter", "open311", "committee"]
QUESTIONS = ["لطفاً عکس محل و پلاک نزدیک را بفرستید.", "نشانی دقیق‌تر یا موقعیت روی نقشه لازم است."]


def seed(municipality: Municipality, count: int = 120, now: dt.datetime | None = None) -> int:
    rng = random.Random(1405)  # same city every time
    now = now or timezone.now()
    services = list(ServiceType.objects.filter(municipality=municipality, is_active=True))
    districts = list(District.objects.filter(municipality=municipality).order_by("number"))
    managers = {
        u.district_id: u
        for u in User.objects.filter(municipality=municipality, role=Role.DISTRICT_MANAGER)
    }
    operator = User.objects.filter(municipality=municipality, role=Role.OPERATOR).first()
    reasons = list(RejectReason.objects.filter(municipality=municipality))
    committee = Committee.objects.filter(municipality=municipality).first()
    this_week = week_start(now.astimezone(TEHRAN).date())
    made: list[Case] = []
    for i in range(count):
        weeks_ago = i % 4
        start = this_week - dt.timedelta(days=7 * weeks_ago)
        # spread over the week's intake days (Sat/Sun) and the days before it (late arrivals)
        offset_h = rng.randint(-5 * 24, 40)
        at = combine(start, dt.time(8, 0)) + dt.timedelta(
            hours=offset_h, minutes=rng.randint(0, 59)
        )
        if at >= now:
            at = now - dt.timedelta(minutes=rng.randint(5, 600))
        service = rng.choice(services)
        district = districts[i % len(districts)]
        street = rng.choice(STREETS)
        text = rng.choice(TEXTS.get(service.code, ["درخواست «{service}» در {street}"]))
        channel = CHANNELS[i % len(CHANNELS)]
        center_lat = district.center_lat or municipality.start_lat or 36.84
        center_lon = district.center_lon or municipality.start_lon or 54.44
        has_point = channel in ("web", "open311") and rng.random() < 0.8
        case = case_submit(
            municipality=municipality,
            channel=channel,
            citizen_name=rng.choice(NAMES),
            citizen_mobile=f"0911{rng.randint(1000000, 9999999)}",
            service=service,
            description=text.format(street=street, service=service.name),
            address=street,
            lat=center_lat + rng.uniform(-0.01, 0.01) if has_point else None,
            lon=center_lon + rng.uniform(-0.01, 0.01) if has_point else None,
            district=district,
            actor=operator if channel in ("phone", "walk_in", "letter") else None,
            origin_committee=committee if channel == "committee" else None,
            now=at,
            letter_number=f"{rng.randint(100, 9999)}/ش" if channel == "letter" else "",
            letter_date=(at - dt.timedelta(days=rng.randint(1, 5))).date()
            if channel == "letter"
            else None,
        )
        Case.objects.filter(pk=case.pk).update(created_at=at, updated_at=at)
        made.append(case)
    current = [c for c in made if c.week_start >= this_week]
    older = [c for c in made if c.week_start < this_week]
    for n, case in enumerate(older):
        # Past weeks' desks were cleared in their week (the promise held): only this week's
        # intake waits on a desk, so a new demo does not open on a list of stale requests.
        _triage(case, managers.get(case.district_id), n, reasons, made, rng, leave=False)
    for n, case in enumerate(current):
        if n % 3 == 0:  # a third of this week's intake already triaged
            _triage(case, managers.get(case.district_id), n, reasons, made, rng)
    return len(made)


def _triage(
    case: Case,
    manager: User | None,
    n: int,
    reasons: list[RejectReason],
    made: list[Case],
    rng: random.Random,
    leave: bool = True,
) -> None:
    kind = n % 10
    if kind >= 8 and not leave:
        kind = 0
    if kind < 5:
        case_accept(case=case, needs_visit=kind != 4, actor=manager)
    elif kind == 5 and reasons:
        case_reject(case=case, reason=rng.choice(reasons), note="", actor=manager)
    elif kind == 6:
        case_request_info(case=case, question=rng.choice(QUESTIONS), actor=manager)
    elif kind == 7:
        primary = next(
            (
                c
                for c in made
                if c.pk != case.pk
                and c.district_id == case.district_id
                and c.status in ("submitted", "accepted")
                and Case.objects.filter(pk=c.pk, status__in=["submitted", "accepted"]).exists()
            ),
            None,
        )
        if primary is not None:
            case_merge(case=case, into=primary, actor=manager, note="درخواست تکراری")
        else:
            case_accept(case=case, needs_visit=True, actor=manager)
    else:
        return  # left on the desk
    # the desk's work happened on the case's own intake day, not today
    triaged_at = max(case.created_at, combine(case.week_start, dt.time(10, 0)))
    triaged_at = min(triaged_at + dt.timedelta(hours=3), timezone.now())
    CaseEvent.objects.filter(case=case).exclude(old_status="").update(at=triaged_at)
