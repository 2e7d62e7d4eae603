"""The demo city's organisation: a Gorgan-like municipality, its people and Services List."""

from __future__ import annotations

from django.utils import timezone

from pishkhan.accounts.models import Committee, Department, District, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import user_create
from pishkhan.cases.models import RejectReason, ServiceCategory, ServiceType
from pishkhan.core.text import normalize_fa
from pishkhan.cycle.services import holidays_seed, schedule_get_or_create

DEMO_PASSWORD = "pishkhan-demo-1405"

DISTRICTS = [
    (1, "منطقهٔ یک", 36.8425, 54.4530),
    (2, "منطقهٔ دو", 36.8280, 54.4190),
    (3, "منطقهٔ سه", 36.8390, 54.4820),
]
# Gorgan's built-up area between the Alborz foothills (south) and the plain (north), as
# (longitude, southern latitude, northern latitude) columns from west to east; each district is
# the band between two of its columns, the city the whole strip. Shared edges are identical, so a
# point lies in exactly one district. Approximate (a few hundred metres), enough to tell a point in
# Gorgan from a "no GPS fix" (0, 0) or a point in Tehran.
OUTLINE = [
    (54.370, 36.818, 36.850),
    (54.400, 36.810, 36.862),
    (54.435, 36.806, 36.866),
    (54.468, 36.812, 36.864),
    (54.490, 36.818, 36.858),
    (54.512, 36.826, 36.848),
]
DISTRICT_COLUMNS = {2: (0, 2), 1: (2, 3), 3: (3, 5)}  # district number → first, last column
# Streets, squares and neighbourhoods by district: an address-only report is placed by them.
PLACES = {
    1: [
        "میدان کاخ",
        "خیابان امام",
        "بلوار جرجان",
        "خیابان ولیعصر",
        "خیابان طالقانی",
        "میدان شهرداری",
    ],
    2: ["خیابان ولی‌آباد", "خیابان شالیکوبی", "کوی بهزیستی", "خیابان مفتح", "سرچشمه"],
    3: ["بلوار ناهارخوران", "خیابان سرخواجه", "شهرک انقلاب", "بلوار هیرکان", "دانشگاه"],
}


def band(first: int, last: int) -> list[list[float]]:
    """The polygon [[lat, lon], …] between two OUTLINE columns: south edge west→east, north back."""
    cols = OUTLINE[first : last + 1]
    south = [[lat_s, lon] for lon, lat_s, _ in cols]
    north = [[lat_n, lon] for lon, _, lat_n in reversed(cols)]
    return south + north


DEPARTMENTS = [
    ("services", "معاونت خدمات شهری", "Urban Services", "services"),
    ("civil", "معاونت عمرانی", "Civil Works", "civil"),
    ("planning", "معاونت شهرسازی و معماری", "Planning & Architecture", "planning"),
    ("traffic", "سازمان حمل‌ونقل و ترافیک", "Transport & Traffic", "traffic"),
    ("green", "سازمان سیما، منظر و فضای سبز", "Green Space", "green"),
    ("waste", "سازمان مدیریت پسماند", "Waste Management", "services"),
    ("revenue", "ادارهٔ درآمد", "Revenue", "finance"),
    ("legal", "ادارهٔ حقوقی و املاک", "Legal & Property", "planning"),
    ("fire", "سازمان آتش‌نشانی و خدمات ایمنی", "Fire & Safety", "safety"),
    ("social", "ادارهٔ امور اجتماعی و فرهنگی", "Social & Cultural Affairs", "social"),
]
# (mobile suffix, name, role, title, district no., department code, domains)
PEOPLE = [
    ("0001", "محمدرضا ثبتی", Role.MAYOR, "شهردار", None, None, ""),
    ("0002", "علی رحیمی", Role.BOARD_MEMBER, "معاون خدمات شهری", None, None, ""),
    ("0003", "حسین کریمی", Role.BOARD_MEMBER, "معاون عمرانی", None, None, ""),
    ("0004", "زهرا احمدی", Role.BOARD_MEMBER, "معاون شهرسازی و معماری", None, None, ""),
    ("0005", "مریم حسینی", Role.SECRETARY, "دبیر پیشخوان خدمت", None, None, ""),
    ("0006", "رضا محمدی", Role.DISTRICT_MANAGER, "مدیر منطقهٔ یک", 1, None, ""),
    ("0007", "سعید نوری", Role.DISTRICT_MANAGER, "مدیر منطقهٔ دو", 2, None, ""),
    ("0008", "فاطمه قاسمی", Role.DISTRICT_MANAGER, "مدیر منطقهٔ سه", 3, None, ""),
    ("0009", "امیر جعفری", Role.SENIOR_MANAGER, "مدیر ارشد عمرانی", None, None, "civil,planning"),
    (
        "0010",
        "نرگس صادقی",
        Role.SENIOR_MANAGER,
        "مدیر ارشد خدمات شهری",
        None,
        None,
        "services,green",
    ),
    (
        "0011",
        "مهدی عباسی",
        Role.SENIOR_MANAGER,
        "مدیر ارشد ترافیک و ایمنی",
        None,
        None,
        "traffic,safety,social,finance",
    ),
    ("0012", "سارا موسوی", Role.OPERATOR, "کارشناس سامانهٔ ۱۳۷", None, None, ""),
    ("0013", "بهرام یوسفی", Role.AUDITOR, "بازرس", None, None, ""),
    ("0014", "کاوه رستمی", Role.DEPARTMENT_HEAD, "مدیر خدمات شهری", None, "services", ""),
    ("0015", "لیلا مرادی", Role.DEPARTMENT_HEAD, "مدیر عمران", None, "civil", ""),
    ("0016", "پرویز اکبری", Role.DEPARTMENT_HEAD, "مدیر فضای سبز", None, "green", ""),
    ("0017", "نیما شریفی", Role.DEPARTMENT_HEAD, "مدیر ترافیک", None, "traffic", ""),
    ("0018", "هدی کاظمی", Role.DEPARTMENT_HEAD, "مدیر شهرسازی", None, "planning", ""),
    ("0019", "یاسر طاهری", Role.DEPARTMENT_STAFF, "کارشناس خدمات شهری", None, "services", ""),
    ("0020", "مدیر سامانه", Role.ADMIN, "مدیر سامانه", None, None, ""),
]
CATEGORIES = [
    ("urban", "خدمات شهری و نظافت", "Urban services"),
    ("civil", "معابر و عمران", "Streets and civil works"),
    ("green", "فضای سبز", "Green space"),
    ("traffic", "حمل‌ونقل و ترافیک", "Transport and traffic"),
    ("building", "شهرسازی و ساختمان", "Planning and building"),
    ("other", "سایر خدمات", "Other services"),
]
# code, category, name, name_en, department, domain, needs_visit, days, documents, fees, description
SERVICES = [
    (
        "pothole",
        "civil",
        "ترمیم چاله و آسفالت معابر",
        "Pothole and asphalt repair",
        "civil",
        "civil",
        True,
        14,
        "نشانی دقیق یا موقعیت روی نقشه\nعکس محل (در صورت امکان)",
        "رایگان",
        "گزارش چاله، نشست یا خرابی آسفالت کوچه‌ها و خیابان‌ها برای بازدید و ترمیم.",
    ),
    (
        "sidewalk",
        "civil",
        "اصلاح پیاده‌رو و جدول",
        "Sidewalk and curb repair",
        "civil",
        "civil",
        True,
        21,
        "نشانی دقیق\nعکس محل",
        "رایگان",
        "خرابی پیاده‌رو، جدول‌گذاری، موانع حرکت پیاده و افراد دارای معلولیت.",
    ),
    (
        "drainage",
        "civil",
        "آب‌گرفتگی و کانال‌های آب سطحی",
        "Flooding and surface drains",
        "civil",
        "civil",
        True,
        10,
        "نشانی دقیق\nعکس محل",
        "رایگان",
        "گرفتگی جوی، کانال یا آب‌گرفتگی معابر پس از بارندگی.",
    ),
    (
        "waste",
        "urban",
        "جمع‌آوری پسماند و نخاله",
        "Waste and debris collection",
        "waste",
        "services",
        False,
        3,
        "نشانی دقیق",
        "رایگان برای پسماند خانگی؛ نخالهٔ ساختمانی طبق تعرفه",
        "تأخیر در جمع‌آوری زباله، رهاسازی نخاله و پسماند ساختمانی.",
    ),
    (
        "cleaning",
        "urban",
        "نظافت و رفت‌وروب معابر",
        "Street cleaning",
        "services",
        "services",
        False,
        3,
        "نشانی دقیق",
        "رایگان",
        "درخواست رفت‌وروب، شست‌وشوی معابر و پاک‌سازی.",
    ),
    (
        "lighting",
        "urban",
        "روشنایی معابر و پارک‌ها",
        "Street lighting",
        "services",
        "services",
        True,
        7,
        "نشانی یا شمارهٔ تیر چراغ",
        "رایگان",
        "خاموشی یا خرابی چراغ‌های معابر و پارک‌ها.",
    ),
    (
        "stray",
        "urban",
        "ساماندهی حیوانات بلاصاحب",
        "Stray animals",
        "services",
        "services",
        False,
        5,
        "نشانی محل مشاهده",
        "رایگان",
        "گزارش حضور حیوانات بلاصاحب در معابر.",
    ),
    (
        "tree",
        "green",
        "هرس و قطع درخت",
        "Tree pruning and removal",
        "green",
        "green",
        True,
        14,
        "نشانی دقیق\nعکس درخت\nبرای قطع: مدارک مالکیت",
        "طبق تعرفهٔ مصوب شورا",
        "هرس، قطع درخت خطرساز یا خشک و آفت‌زدایی.",
    ),
    (
        "park",
        "green",
        "نگهداری پارک و فضای سبز",
        "Park maintenance",
        "green",
        "green",
        True,
        14,
        "نام پارک یا نشانی",
        "رایگان",
        "خرابی وسایل بازی، آبیاری، نیمکت و نگهداری پارک‌ها.",
    ),
    (
        "speedbump",
        "traffic",
        "سرعت‌کاه و علائم ترافیکی",
        "Speed bumps and traffic signs",
        "traffic",
        "traffic",
        True,
        21,
        "نشانی دقیق\nامضای اهالی (در صورت وجود)",
        "رایگان",
        "درخواست نصب سرعت‌کاه، تابلو، خط‌کشی و علائم راهنمایی.",
    ),
    (
        "parking",
        "traffic",
        "ساماندهی پارک حاشیه‌ای",
        "On-street parking",
        "traffic",
        "traffic",
        True,
        21,
        "نشانی دقیق",
        "رایگان",
        "سد معبر، پارک دوبله و ساماندهی پارکینگ حاشیه‌ای.",
    ),
    (
        "encroach",
        "building",
        "سد معبر و تجاوز به حریم",
        "Encroachment",
        "planning",
        "planning",
        True,
        14,
        "نشانی دقیق\nعکس",
        "رایگان",
        "اشغال پیاده‌رو، ساخت‌وساز غیرمجاز و تجاوز به حریم معابر.",
    ),
    (
        "permit",
        "building",
        "پیگیری پروانهٔ ساختمانی",
        "Building permit follow-up",
        "planning",
        "planning",
        False,
        30,
        "شمارهٔ پرونده\nکد ملی مالک\nسند مالکیت",
        "طبق تعرفهٔ عوارض مصوب",
        "پیگیری مراحل صدور پروانه و پاسخ به استعلام‌ها.",
    ),
    (
        "duties",
        "other",
        "عوارض و بدهی نوسازی",
        "Municipal duties",
        "revenue",
        "finance",
        False,
        7,
        "کد نوسازی ملک\nکد ملی مالک",
        "—",
        "اعتراض یا پرسش دربارهٔ عوارض نوسازی و بدهی‌ها.",
    ),
    (
        "safety",
        "other",
        "خطر ایمنی و ساختمان ناایمن",
        "Unsafe building or hazard",
        "fire",
        "safety",
        True,
        5,
        "نشانی دقیق\nعکس",
        "رایگان",
        "گزارش ساختمان ناایمن، کپسول و خطرهای آتش‌سوزی.",
    ),
    (
        "social",
        "other",
        "آسیب‌های اجتماعی و کودکان کار",
        "Social issues",
        "social",
        "social",
        True,
        7,
        "نشانی محل",
        "رایگان",
        "گزارش کودکان کار، کارتن‌خوابی و آسیب‌های اجتماعی در سطح شهر.",
    ),
]
REJECT_REASONS = [
    # Each reason carries only the guidance that fits it: a pothole outside the city's duties
    # is not a matter for 122 (water) or 121 (electricity).
    ("خارج از وظایف شهرداری", ""),
    ("در حیطهٔ شرکت آب و فاضلاب است", "به سامانهٔ ۱۲۲ (آب و فاضلاب) زنگ بزنید."),
    ("در حیطهٔ شرکت توزیع برق است", "به سامانهٔ ۱۲۱ (برق) زنگ بزنید."),
    ("در حیطهٔ شرکت گاز است", "به سامانهٔ ۱۹۴ (گاز) زنگ بزنید."),
    ("درخواست تکراری است", ""),
    ("اطلاعات کافی برای رسیدگی ندارد", "با نشانی دقیق و عکس دوباره ثبت کنید."),
    ("در حریم ملک خصوصی است", "مالک باید اقدام کند."),
    ("موضوع در مرجع قضایی در حال رسیدگی است", "از طریق مرجع قضایی پیگیری کنید."),
]
COMMITTEES = [
    ("کمیسیون ماده صد", "رسیدگی به تخلفات ساختمانی"),
    ("کارگروه ساماندهی سد معبر", ""),
    ("کمیتهٔ فنی ترافیک", ""),
    ("کمیتهٔ فضای سبز و قطع درختان", ""),
    ("کارگروه رفع موانع تولید و کسب‌وکار", ""),
]


def mobile(suffix: str) -> str:
    return f"+98912100{suffix}"


def boundaries_fill(municipality: Municipality) -> None:
    """Give the demo city and its districts their outlines and places where they have none."""
    if municipality.boundary is None:
        municipality.boundary = band(0, len(OUTLINE) - 1)
        municipality.save(update_fields=["boundary"])
    for district in District.objects.filter(municipality=municipality):
        if district.boundary is None and district.number in DISTRICT_COLUMNS:
            district.boundary = band(*DISTRICT_COLUMNS[district.number])
            district.save(update_fields=["boundary"])
        if not district.places and district.number in PLACES:
            district.places = "\n".join(PLACES[district.number])
            district.save(update_fields=["places"])


def seed_org() -> Municipality:
    municipality, created = Municipality.objects.get_or_create(
        slug="gorgan",
        defaults={
            "name": "گرگان",
            "name_en": "Gorgan",
            "province": "گلستان",
            "hosts": "127.0.0.1,localhost,gorgan.localhost",
            "start_lat": 36.8389,
            "start_lon": 54.4340,
            "center_lat": 36.8389,
            "center_lon": 54.4340,
            "boundary": band(0, len(OUTLINE) - 1),
        },
    )
    schedule_get_or_create(municipality=municipality)
    holidays_seed(municipality=municipality, today=timezone.localdate())
    if not created and District.objects.filter(municipality=municipality).exists():
        boundaries_fill(municipality)  # a demo seeded before the city had its outline
        return municipality
    districts = {
        n: District.objects.create(
            municipality=municipality,
            number=n,
            name=name,
            center_lat=lat,
            center_lon=lon,
            boundary=band(*DISTRICT_COLUMNS[n]),
            places="\n".join(PLACES[n]),
        )
        for n, name, lat, lon in DISTRICTS
    }
    departments = {
        code: Department.objects.create(
            municipality=municipality, code=code, name=name, name_en=en, domain=domain
        )
        for code, name, en, domain in DEPARTMENTS
    }
    for suffix, name, role, title, district_no, dept_code, domains in PEOPLE:
        user_create(
            mobile=mobile(suffix),
            full_name=name,
            role=role,
            municipality=municipality,
            password=DEMO_PASSWORD,
            title=title,
            district=districts.get(district_no) if district_no else None,
            department=departments.get(dept_code) if dept_code else None,
            domains=domains,
        )
    deputies = {
        u.title: u for u in User.objects.filter(municipality=municipality, role=Role.BOARD_MEMBER)
    }
    for code, title in [
        ("services", "معاون خدمات شهری"),
        ("waste", "معاون خدمات شهری"),
        ("green", "معاون خدمات شهری"),
        ("civil", "معاون عمرانی"),
        ("traffic", "معاون عمرانی"),
        ("fire", "معاون عمرانی"),
        ("planning", "معاون شهرسازی و معماری"),
        ("legal", "معاون شهرسازی و معماری"),
        ("revenue", "معاون شهرسازی و معماری"),
        ("social", "معاون خدمات شهری"),
    ]:
        Department.objects.filter(pk=departments[code].pk).update(deputy=deputies[title])
    categories = {
        slug: ServiceCategory.objects.create(
            municipality=municipality, slug=slug, name=name, name_en=en, order=i
        )
        for i, (slug, name, en) in enumerate(CATEGORIES)
    }
    for i, (code, cat, name, en, dept, domain, visit, days, docs, fees, desc) in enumerate(
        SERVICES
    ):
        ServiceType.objects.create(
            municipality=municipality,
            code=code,
            category=categories[cat],
            name=name,
            name_en=en,
            department=departments[dept],
            domain=domain,
            needs_visit=visit,
            expected_days=days,
            documents=docs,
            fees=fees,
            description=desc,
            order=i,
            eligibility="همهٔ شهروندان و کسبه"
            if code not in ("permit", "duties")
            else "مالک یا وکیل قانونی او",
            search_key=normalize_fa(f"{name} {desc}"),
            attributes=[
                {
                    "code": "floor_area",
                    "datatype": "number",
                    "required": False,
                    "order": 1,
                    "description": "مساحت تقریبی (مترمربع)",
                    "datatype_description": "عدد",
                }
            ]
            if code == "encroach"
            else [],
        )
    for text, guidance in REJECT_REASONS:
        RejectReason.objects.create(municipality=municipality, text=text, guidance=guidance)
    for name, desc in COMMITTEES:
        Committee.objects.create(municipality=municipality, name=name, description=desc)
    return municipality
