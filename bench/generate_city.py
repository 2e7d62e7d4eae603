"""Generate a realistic city at scale straight into the database.

    SQLITE_PATH=/tmp/wt-bench-perf/city.sqlite3 python bench/generate_city.py --cases 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pishkhan_bench python bench/generate_city.py --cases 1000000

Creates (or reuses) the municipality ``benchcity`` with N districts (each with a district
manager), the demo Services List (pishkhan.demo.org), and ``--cases`` requests spread over
``--years`` years with growing volume, Persian text composed from word lists (Persian,
ASCII and Arabic-Indic digits; some Arabic ي/ك), a realistic backlog (old cases mostly closed,
this week's intake waiting on the desk), valid tracking codes, week_start from the intake
schedule, one CaseEvent per case, search_key = normalize_fa(description + address + service).
The search index is rebuilt at the end (FTS5 'rebuild' on SQLite, GIN trigram on PostgreSQL).
Writes go through executemany batches (SQLite) or COPY (PostgreSQL), bypassing the ORM's
per-row work; PRAGMA tweaks are used only here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402

BENCH_SLUG = "benchcity"
BENCH_PASSWORD = "bench-password-1405"  # noqa: S105 — a throw-away benchmark city

STREETS = [
    "خیابان ولیعصر",
    "بلوار جمهوری",
    "خیابان امام خمینی",
    "بلوار ناهارخوران",
    "خیابان شالیکوبی",
    "میدان وحدت",
    "خیابان ولی‌آباد",
    "بلوار گلستان",
    "خیابان سرخواجه",
    "خیابان کاشانی",
    "خیابان شهید بهشتی",
    "بلوار شهید کلانتری",
    "خیابان پاسداران",
    "خیابان عدالت",
    "خیابان دانشگاه",
    "بلوار افسران",
    "خیابان آزادی",
    "خیابان شهید رجایی",
    "کوی گلشهر",
    "شهرک بهارستان",
    "خیابان مطهری",
    "خیابان طالقانی",
    "بلوار هیرکان",
    "خیابان ۵ آذر",
    "خیابان بسیج",
    "کوی زینبیه",
    "خیابان استرآباد",
    "بلوار صیاد شیرازی",
    "خیابان لاله",
    "خیابان نرگس",
    "خیابان گرگان‌پارس",
    "بلوار اتوبوس‌رانی",
    "خیابان فلسطین",
    "خیابان سعدی",
    "خیابان حافظ",
    "کوی انقلاب",
    "خیابان میرزا کوچک‌خان",
    "بلوار جانبازان",
    "خیابان ملت",
    "خیابان بهار",
]
PLACES = [
    "جلوی مدرسهٔ",
    "کنار ایستگاه اتوبوس",
    "نبش کوچه",
    "روبه‌روی مسجد",
    "پشت بیمارستان",
    "کنار نانوایی",
    "جلوی درمانگاه",
    "کنار پارک محله",
    "روبه‌روی بانک ملی",
    "جنب داروخانه",
    "کنار پل عابر پیاده",
    "ورودی بازارچه",
    "پشت ورزشگاه",
    "کنار سوپرمارکت",
    "جلوی اداره پست",
]
PROBLEMS = {
    "pothole": [
        "چاله‌ی عمیق وسط خیابان",
        "نشست آسفالت",
        "ترک‌خوردگی و خرابی آسفالت",
        "دریچهٔ فاضلاب پایین‌تر از آسفالت",
    ],
    "sidewalk": [
        "پیاده‌رو شکسته و ناهموار",
        "جدول کنار خیابان خراب شده",
        "رمپ ویلچر ندارد",
        "موزاییک‌های پیاده‌رو کنده شده",
    ],
    "drainage": [
        "آبگرفتگی بعد از هر باران",
        "جوی آب گرفته و بو می‌دهد",
        "کانال آب سطحی مسدود است",
        "دریچهٔ جوی شکسته",
    ],
    "waste": [
        "زباله چند روز جمع نشده",
        "نخالهٔ ساختمانی رها شده",
        "سطل زباله شکسته",
        "بوی بد زباله",
    ],
    "cleaning": ["خیابان کثیف است و رفت‌وروب نمی‌شود", "برگ‌ها جوی را پر کرده", "گل و لای روی آسفالت"],
    "lighting": [
        "چراغ‌های خیابان خاموش است",
        "تیر چراغ برق کج شده",
        "پارک شب‌ها تاریک است",
        "لامپ چراغ سوخته",
    ],
    "stray": [
        "سگ‌های ولگرد مزاحم عابران",
        "گربه‌های زیاد در محل زباله",
        "حضور سگ‌های بلاصاحب نزدیک مدرسه",
    ],
    "tree": [
        "درخت خشکیده و خطر سقوط دارد",
        "شاخه‌ها روی سیم برق افتاده",
        "ریشهٔ درخت آسفالت را شکسته",
        "درخت نیاز به هرس دارد",
    ],
    "park": [
        "وسایل بازی کودکان شکسته",
        "آبیاری چمن انجام نمی‌شود",
        "نیمکت پارک خراب است",
        "سرویس بهداشتی پارک کثیف است",
    ],
    "speedbump": [
        "ماشین‌ها با سرعت زیاد عبور می‌کنند",
        "نیاز به سرعت‌کاه داریم",
        "خط‌کشی عابر پیاده پاک شده",
        "تابلوی ایست افتاده",
    ],
    "parking": ["پارک دوبله و ترافیک", "خودروهای رهاشده", "پارکینگ حاشیه‌ای بی‌نظم است"],
    "encroach": [
        "اشغال پیاده‌رو توسط مغازه",
        "ساخت‌وساز غیرمجاز",
        "سد معبر دست‌فروشان",
        "مصالح ساختمانی در پیاده‌رو",
    ],
    "permit": ["پیگیری پروانهٔ ساختمانی پرونده", "پاسخ استعلام پایان کار", "تمدید پروانه ساخت"],
    "duties": ["اعتراض به عوارض نوسازی", "پرسش دربارهٔ بدهی ملک", "تقسیط عوارض"],
    "safety": ["ساختمان نیمه‌کاره ناایمن است", "کپسول آتش‌نشانی ندارد", "دیوار در حال ریزش است"],
    "social": ["کودکان کار سر چهارراه", "کارتن‌خوابی در پارک", "تکدی‌گری در ایستگاه"],
}
DETAILS = [
    "چند هفته است که",
    "از ماه گذشته",
    "بارها تماس گرفته‌ایم ولی",
    "خطرناک است و",
    "سالمندان و کودکان اذیت می‌شوند و",
    "شب‌ها وضعیت بدتر است و",
    "همسایه‌ها هم شکایت دارند و",
    "",
]
ENDINGS = [
    "لطفاً رسیدگی کنید.",
    "خواهشمندم پیگیری فرمایید.",
    "ممنون می‌شوم سریع‌تر اقدام شود.",
    "تا حالا کسی رسیدگی نکرده است.",
    "لطفاً بازدید کنید.",
    "با تشکر.",
]
FIRST = [
    "علی",
    "محمد",
    "زهرا",
    "فاطمه",
    "حسین",
    "مریم",
    "رضا",
    "سارا",
    "مهدی",
    "نرگس",
    "امیر",
    "لیلا",
    "حمید",
    "الهام",
    "کاوه",
    "نازنین",
]
LAST = [
    "رحیمی",
    "کریمی",
    "احمدی",
    "حسینی",
    "محمدی",
    "نوری",
    "قاسمی",
    "جعفری",
    "صادقی",
    "عباسی",
    "موسوی",
    "یوسفی",
    "رستمی",
    "مرادی",
    "اکبری",
    "شریفی",
]
DISTRICT_NAMES = [
    "یک",
    "دو",
    "سه",
    "چهار",
    "پنج",
    "شش",
    "هفت",
    "هشت",
    "نه",
    "ده",
    "یازده",
    "دوازده",
    "سیزده",
    "چهارده",
    "پانزده",
    "شانزده",
    "هفده",
    "هجده",
    "نوزده",
    "بیست",
    "بیست‌ویک",
    "بیست‌ودو",
]
CHANNELS = (
    (["web"] * 45) + (["phone"] * 25) + (["open311"] * 15) + (["walk_in"] * 10) + (["letter"] * 5)
)
# The promise fields (#14): which statuses wait for a meeting, were promised one, were answered.
PROMISE_WAITING = {"accepted", "visited", "on_agenda", "deferred", "reopened"}
ANSWERED = {"decided", "dispatched", "in_progress", "done", "closed"}
PROMISED = PROMISE_WAITING | ANSWERED
# Final status of a case older than ~2 months (weights): a real backlog is mostly closed.
OLD_STATUSES = [
    ("closed", 70),
    ("rejected", 11),
    ("merged", 4),
    ("done", 7),
    ("in_progress", 4),
    ("dispatched", 2),
    ("deferred", 1),
    ("submitted", 0.5),
    ("info_requested", 0.5),
]
# Recent (the last 8 weeks) cases move along the cycle.
RECENT_STATUSES = [
    ("submitted", 10),
    ("info_requested", 3),
    ("accepted", 10),
    ("rejected", 10),
    ("merged", 3),
    ("visited", 8),
    ("on_agenda", 6),
    ("decided", 8),
    ("dispatched", 12),
    ("in_progress", 15),
    ("done", 10),
    ("closed", 5),
]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ARABIC_LETTERS = str.maketrans("یک", "يك")


def number(rng: random.Random, n: int) -> str:
    r = rng.random()
    if r < 0.6:
        return str(n).translate(PERSIAN_DIGITS)
    if r < 0.9:
        return str(n)
    return str(n).translate(ARABIC_DIGITS)


def weighted(items: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    return [k for k, _ in items], [w for _, w in items]


def ensure_city(n_districts: int) -> tuple:
    from django.utils import timezone

    from pishkhan.accounts.models import Department, District, Municipality, User
    from pishkhan.accounts.roles import Role
    from pishkhan.accounts.services import user_create
    from pishkhan.cases.models import RejectReason, ServiceCategory, ServiceType
    from pishkhan.core.text import normalize_fa
    from pishkhan.cycle.services import holidays_seed, schedule_get_or_create
    from pishkhan.demo import org

    m, _ = Municipality.objects.get_or_create(
        slug=BENCH_SLUG,
        defaults={
            "name": "شهر محک",
            "name_en": "Bench City",
            "province": "گلستان",
            "hosts": "127.0.0.1,localhost,testserver",
            "start_lat": 36.8389,
            "start_lon": 54.4340,
            "center_lat": 36.8389,
            "center_lon": 54.4340,
        },
    )
    schedule = schedule_get_or_create(municipality=m)
    holidays_seed(municipality=m, today=timezone.localdate())
    for n in range(1, n_districts + 1):
        d, _ = District.objects.get_or_create(
            municipality=m,
            number=n,
            defaults={
                "name": f"منطقهٔ {DISTRICT_NAMES[n - 1]}",
                "center_lat": 36.80 + 0.005 * n,
                "center_lon": 54.38 + 0.006 * n,
            },
        )
        mobile = f"+98913{n:07d}"
        if not User.objects.filter(mobile=mobile).exists():
            user_create(
                mobile=mobile,
                full_name=f"مدیر منطقهٔ {DISTRICT_NAMES[n - 1]}",
                role=Role.DISTRICT_MANAGER,
                municipality=m,
                password=BENCH_PASSWORD,
                district=d,
            )
    for suffix, role in [
        ("9000001", Role.OPERATOR),
        ("9000002", Role.SECRETARY),
        ("9000003", Role.AUDITOR),
    ]:
        if not User.objects.filter(mobile=f"+98913{suffix}").exists():
            user_create(
                mobile=f"+98913{suffix}",
                full_name=f"کاربر {role}",
                role=role,
                municipality=m,
                password=BENCH_PASSWORD,
            )
    depts = {}
    for code, name, en, domain in org.DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(
            municipality=m, code=code, defaults={"name": name, "name_en": en, "domain": domain}
        )
    cats = {}
    for i, (slug, name, en) in enumerate(org.CATEGORIES):
        cats[slug], _ = ServiceCategory.objects.get_or_create(
            municipality=m, slug=slug, defaults={"name": name, "name_en": en, "order": i}
        )
    for i, (code, cat, name, en, dept, domain, visit, days, docs, fees, desc) in enumerate(
        org.SERVICES
    ):
        ServiceType.objects.get_or_create(
            municipality=m,
            code=code,
            defaults={
                "category": cats[cat],
                "name": name,
                "name_en": en,
                "department": depts[dept],
                "domain": domain,
                "needs_visit": visit,
                "expected_days": days,
                "documents": docs,
                "fees": fees,
                "description": desc,
                "order": i,
                "search_key": normalize_fa(f"{name} {desc}"),
            },
        )
    if not RejectReason.objects.filter(municipality=m).exists():
        for text, guidance in org.REJECT_REASONS:
            RejectReason.objects.create(municipality=m, text=text, guidance=guidance)
    districts = list(
        District.objects.filter(municipality=m, number__lte=n_districts).order_by("number")
    )
    services = list(ServiceType.objects.filter(municipality=m).order_by("order"))
    reasons = list(RejectReason.objects.filter(municipality=m).values_list("id", flat=True))
    return m, schedule, districts, services, reasons


def generate(args: argparse.Namespace) -> None:
    from django.db import connection

    from pishkhan.cases.models import OPEN_STATES, Case, CaseEvent
    from pishkhan.cases.search import PG_CREATE, PG_DROP, SQLITE_FTS_DROP_TRIGGERS, fts_ensure
    from pishkhan.cases.textmatch import street_key
    from pishkhan.cases.tracking import ALPHABET, BODY_LENGTH, _check_char
    from pishkhan.core.jalali import TEHRAN, week_start
    from pishkhan.core.text import clean_input, normalize_fa

    t0 = time.perf_counter()
    vendor = connection.vendor
    m, schedule, districts, services, reasons = ensure_city(args.districts)
    rng = random.Random(args.seed)  # noqa: S311 — synthetic data, not security
    now = dt.datetime.now(tz=dt.UTC)
    span = dt.timedelta(days=365 * args.years)
    start = now - span
    old_names, old_weights = weighted(OLD_STATUSES)
    new_names, new_weights = weighted(RECENT_STATUSES)
    # Services are not equally popular.
    svc_weights = [30, 10, 8, 18, 8, 12, 4, 10, 6, 8, 6, 7, 3, 4, 2, 2][: len(services)]
    svc_weights += [3] * (len(services) - len(svc_weights))
    dist_weights = [rng.uniform(0.5, 1.5) for _ in districts]
    seen_codes: set[str] = set(Case.objects.values_list("tracking_code", flat=True))
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        next_id = cur.fetchone()[0] + 1
        if vendor == "sqlite":
            for pragma in ("synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
                cur.execute(f"PRAGMA {pragma}")
            for sql in SQLITE_FTS_DROP_TRIGGERS:  # keep the table; rebuilt at the end
                cur.execute(sql)
        else:
            for sql in PG_DROP:
                cur.execute(sql)
    dropped = (
        drop_secondary_indexes(connection, ["cases_case", "cases_caseevent"])
        if total_new(args) > 50_000
        else []
    )
    case_fields = list(Case._meta.concrete_fields)
    case_cols = [f.column for f in case_fields]
    event_cols = [
        "case_id",
        "kind",
        "old_status",
        "new_status",
        "actor_id",
        "at",
        "note",
        "public",
        "data",
    ]
    end_day, end_time = schedule.intake_end_day, schedule.intake_end_time
    recent_cutoff = now - dt.timedelta(weeks=8)
    channel_label = {k: str(v) for k, v in Case.Channel.choices}

    def ts(value: dt.datetime):
        # SQLite: naive UTC text as Django stores it; PostgreSQL: aware datetime.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if vendor == "sqlite" else value

    def new_code() -> str:
        while True:
            body = "".join(rng.choices(ALPHABET, k=BODY_LENGTH))
            code = body + _check_char(body)
            if code not in seen_codes:
                seen_codes.add(code)
                return code

    recent_ids: dict[int, list[int]] = {d.pk: [] for d in districts}
    total = args.cases
    batch = args.batch
    done = 0
    while done < total:
        n = min(batch, total - done)
        # Chronological ids (as in production); volume grows over the years (u**0.8 skews to now).
        offsets = [((done + i + rng.random()) / total) ** 0.8 for i in range(n)]
        case_rows, event_rows = [], []
        picked_services = rng.choices(services, weights=svc_weights, k=n)
        picked_districts = rng.choices(districts, weights=dist_weights, k=n)
        for i in range(n):
            created = start + span * offsets[i] + dt.timedelta(seconds=rng.random())
            local = created.astimezone(TEHRAN)
            wk = week_start(local.date())
            close = dt.datetime.combine(wk + dt.timedelta(days=end_day), end_time)
            if local.replace(tzinfo=None) > close:
                wk += dt.timedelta(days=7)
            svc, dist = picked_services[i], picked_districts[i]
            street = rng.choice(STREETS)
            problem = rng.choice(PROBLEMS.get(svc.code, PROBLEMS["pothole"]))
            text = f"{rng.choice(DETAILS)} {problem} {rng.choice(PLACES)} {street} پلاک {number(rng, rng.randint(1, 480))}. {rng.choice(ENDINGS)}".strip()
            address = f"{street}، کوچهٔ {number(rng, rng.randint(1, 60))}، پلاک {number(rng, rng.randint(1, 480))}"
            if rng.random() < 0.1:
                text = text.translate(ARABIC_LETTERS)  # typed on an Arabic keyboard
            text = clean_input(text)
            recent = created > recent_cutoff
            status = rng.choices(
                new_names if recent else old_names, new_weights if recent else old_weights
            )[0]
            case_id = next_id
            next_id += 1
            merged_into = None
            if status == "merged":
                pool = recent_ids[dist.pk]
                if pool:
                    merged_into = pool[rng.randrange(len(pool))]
                else:
                    status = "rejected"
            if not recent or status != "merged":
                recent_ids[dist.pk].append(case_id)
                if len(recent_ids[dist.pk]) > 500:
                    recent_ids[dist.pk] = recent_ids[dist.pk][-200:]
            updated = (
                created + dt.timedelta(days=rng.randint(0, 40))
                if status != "submitted"
                else created
            )
            updated = min(updated, now)
            done_at = updated if status in ("done", "closed") else None
            closed_at = updated if status == "closed" else None
            channel = rng.choice(CHANNELS)
            row = {
                "id": case_id,
                "created_at": ts(created),
                "updated_at": ts(updated),
                "municipality_id": m.pk,
                "tracking_code": new_code(),
                "channel": channel,
                "status": status,
                "citizen_id": None,
                "citizen_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "citizen_mobile": f"+98912{rng.randrange(10**7):07d}",
                "citizen_email": "",
                "national_id": "",
                "service_id": svc.pk,
                "description": text,
                "address": address,
                "lat": dist.center_lat + rng.uniform(-0.01, 0.01) if dist.center_lat else None,
                "lon": dist.center_lon + rng.uniform(-0.01, 0.01) if dist.center_lon else None,
                "district_id": dist.pk,
                "attributes": "{}",
                "week_start": wk,
                "needs_visit": svc.needs_visit,
                "urgent": rng.random() < 0.03,
                "merged_into_id": merged_into,
                "reject_reason_id": rng.choice(reasons)
                if status == "rejected" and reasons
                else None,
                "status_note": "",
                "origin_committee_id": None,
                "external_ref": "",
                "api_client_id": None,
                "registered_by_id": None,
                "idempotency_key": None,
                "search_key": normalize_fa(f"{text} {address} {svc.name}"),
                "decision_text": "",
                "lead_department_id": svc.department_id
                if status in ("dispatched", "in_progress", "done", "closed")
                else None,
                "deadline": None,
                "done_at": ts(done_at) if done_at else None,
                "closed_at": ts(closed_at) if closed_at else None,
                "citizen_verdict": "accept" if status == "closed" and rng.random() < 0.6 else "",
                "anonymised_at": None,
                "duplicates_checked_at": None,
                "letter_number": "",
                "letter_date": None,
                "street_key": street_key(address) if status in OPEN_STATES else "",
                # The promise (#14): its own week's meeting, answered there when decided.
                "due_week": wk if status in PROMISE_WAITING else None,
                "promised_week": wk if status in PROMISED else None,
                "answered_week": wk if status in ANSWERED else None,
                "deferrals": 1 if status == "deferred" else 0,
                "media_url": None,
            }
            for f in case_fields:  # columns added since this generator was written: defaults
                if f.column not in row:
                    row[f.column] = f.get_default() if f.has_default() else None
            if channel in ("phone", "walk_in", "letter") and rng.random() < args.pointless:
                row["lat"] = row["lon"] = None  # told over the phone: an address, no map point
            case_rows.append(tuple(row[c] for c in case_cols))
            event_rows.append(
                (
                    case_id,
                    "status",
                    "",
                    "submitted",
                    None,
                    ts(created),
                    f"ثبت از مجرای {channel_label[channel]}",
                    True,
                    json.dumps({}),
                )
            )
        write(connection, vendor, "cases_case", case_cols, case_rows)
        write(connection, vendor, "cases_caseevent", event_cols, event_rows)
        done += n
        rate = done / (time.perf_counter() - t0)
        print(f"  {done:>9,} cases  ({rate:,.0f}/s)", flush=True)
    t_rows = time.perf_counter() - t0
    print(
        f"rows written in {t_rows:.1f}s; rebuilding {len(dropped)} indexes and the search index …",
        flush=True,
    )
    with connection.cursor() as cur:
        for sql in dropped:
            cur.execute(sql)
        if vendor == "sqlite":
            fts_ensure(connection, rebuild=True)
            cur.execute("ANALYZE")
        else:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT MAX(id) FROM cases_case))"
            )
            for sql in PG_CREATE:
                cur.execute(sql)
            cur.execute("ANALYZE cases_case")
            cur.execute("ANALYZE cases_caseevent")
    if vendor == "sqlite":
        connection.commit() if not connection.get_autocommit() else None
    total_cases = Case.objects.count()
    print(
        f"done in {time.perf_counter() - t0:.1f}s (rows {t_rows:.1f}s, index {time.perf_counter() - t0 - t_rows:.1f}s): "
        f"{total_cases:,} cases, {CaseEvent.objects.count():,} events, {len(districts)} districts, {len(services)} services"
    )


def total_new(args: argparse.Namespace) -> int:
    return int(args.cases)


def drop_secondary_indexes(connection, tables: list[str]) -> list[str]:
    """Drop the non-unique indexes of ``tables`` (bulk loads are much faster without them);
    returns the statements that recreate them."""
    recreate = []
    with connection.cursor() as cur:
        for table in tables:
            if connection.vendor == "sqlite":
                cur.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            else:
                cur.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                    "AND NOT i.indisunique AND NOT i.indisprimary AND c.relname <> 'case_search_trgm_idx'",
                    [table],
                )
            for name, sql in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
                recreate.append(sql)
    return recreate


def write(connection, vendor: str, table: str, cols: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as cur:
        if vendor == "postgresql":
            raw = cur.cursor  # psycopg 3: COPY is the fast path
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(cols))
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)  # noqa: S608


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--districts", type=int, default=22, choices=range(3, 23), metavar="3..22")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument(
        "--pointless",
        type=float,
        default=0.0,
        help="share of phone/walk-in/letter cases without a map point (0..1)",
    )
    parser.add_argument(
        "--no-migrate", action="store_true", help="the database is already migrated"
    )
    parser.add_argument(
        "--database", default="default", help="settings DATABASES alias (only 'default')"
    )
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES[args.database]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
    if not args.no_migrate:
        call_command("migrate", verbosity=0, interactive=False)
    generate(args)


if __name__ == "__main__":
    main()
