"""Service suggestion on requests NOT written from the generator's word lists.

    nice -n 10 python bench/service_heldout.py

bench/service_suggest.py trains and tests on texts from the same word lists (an upper bound).
Here the test texts come from elsewhere:

* HANDWRITTEN: 80 requests written by hand for this bench (5 per service), in the words a
  citizen or an operator at the desk would use — colloquial, with no phrase copied from
  bench/generate_city.py or the demo city, several mixing two services' words («جوی» in a
  cleaning request, «درخت» in a park one), as real requests do.
* DEMO: the demo city's request templates (pishkhan/demo/cases.py TEXTS, 24 sentences, each with
  each of its 12 streets filled in): written apart from the generator's lists.

Training sets (what the city's model would learn from):
  A. 16,000 generated requests (bench/generate_city.py's words, damaged as in service_suggest.py),
  B. the demo city's decided cases: the DEMO sentences with their streets (what a fresh demo
     city learns from), tested on HANDWRITTEN only.
Prints top-1 / top-3, the share shown with p ≥ 0.8 and its accuracy, and the mistakes.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import django_setup  # noqa: E402

django_setup()

from bench.generate_city import PROBLEMS  # noqa: E402
from bench.service_suggest import request  # noqa: E402
from pishkhan.cases.suggest import ServiceModel, model_train  # noqa: E402
from pishkhan.demo.cases import STREETS, TEXTS  # noqa: E402

HANDWRITTEN: dict[str, list[str]] = {
    "pothole": [
        "سر کوچهٔ ما یک گودال درست شده که شب‌ها موتوری‌ها تویش می‌افتند",
        "از وقتی لوله‌کشی آب کردند روی خیابان را فقط خاک ریختند و هنوز قیر نکشیده‌اند",
        "لاستیک ماشینم توی دست‌انداز بزرگ جلوی نانوایی ترکید",
        "سطح جاده بعد از برف پر از حفره شده، لطفاً لکه‌گیری کنید",
        "درپوش منهول وسط خیابان پایین رفته و ماشین‌ها ضربه می‌خورند",
    ],
    "sidewalk": [
        "مادرم با عصا نمی‌تواند از پیاده‌روی جلوی درمانگاه رد شود، سنگ‌فرش‌ها بالا آمده",
        "کف‌پوش پیاده‌رو کنار بانک لق است و آدم زمین می‌خورد",
        "لبهٔ جدول کنار ایستگاه اتوبوس خرد شده و آهنش بیرون زده",
        "برای کالسکهٔ بچه هیچ راهی از خیابان به پیاده‌رو نیست، شیب‌راهه بسازید",
        "سنگ‌های پیاده‌روی بلوار را برداشته‌اند و دوباره نگذاشته‌اند",
    ],
    "drainage": [
        "دیشب که بارید زیرزمین همسایه‌ها را آب برداشت، آب‌رو کار نمی‌کند",
        "جلوی مدرسه بعد از بارندگی دریاچه درست می‌شود و بچه‌ها نمی‌توانند رد شوند",
        "لولهٔ زیر پل کوچک گرفته و آب برگشته توی کوچه",
        "آب باران از خیابان بالایی راه می‌افتد و می‌ریزد توی حیاط خانه‌ها",
        "نهر کنار محله لجن گرفته و آب راکد مانده و پشه زیاد شده",
    ],
    "waste": [
        "ماشین آشغال سه شب است نیامده و کیسه‌ها کنار در ردیف شده",
        "یک نفر کامیون خاک و آجر خالی کرده کنار زمین بایر",
        "مخزن زبالهٔ سر کوچه درش کنده شده و گربه‌ها همه چیز را پخش می‌کنند",
        "کنار پارک آشغال ریخته‌اند و بوی تعفن تا خانه‌ها می‌آید",
        "مبل و تشک کهنه چند روز است وسط کوچه مانده، کسی جمع نمی‌کند",
    ],
    "cleaning": [
        "رفتگر مدتی است به محلهٔ ما نمی‌آید و خیابان خاک‌آلود است",
        "بعد از بازار هفتگی کف خیابان پر از کارتن و پلاستیک می‌ماند",
        "خاک و شن کامیون‌های ساختمانی روی آسفالت ریخته و کسی جارو نمی‌کند",
        "برگ‌های پاییزی کنار جوی تلنبار شده، لطفاً جارو کنید",
        "خیابان اصلی بعد از سیل گل‌آلود مانده و شست‌وشو نشده",
    ],
    "lighting": [
        "کوچهٔ پشت مسجد هیچ نوری ندارد و خانم‌ها شب می‌ترسند رد شوند",
        "نور پروژکتور زمین بازی چند هفته است روشن نمی‌شود",
        "سیم برق تیر روشنایی آویزان است و خطرناک است",
        "از سر شب تا صبح لامپ‌های بلوار یکی در میان قطع است",
        "چراغ‌های معبر روز هم روشن می‌مانند و شب خاموش‌اند، تایمر خراب است",
    ],
    "stray": [
        "یک گله سگ شب‌ها پشت ساختمان‌ها پرسه می‌زنند و به بچه‌ها حمله کرده‌اند",
        "سگی که همسایه رها کرده عابران را دنبال می‌کند",
        "پسرم را نزدیک زمین خالی سگ گاز گرفت، لطفاً جمع‌آوری کنید",
        "تعداد زیادی سگ بی‌صاحب توی پارک محله جمع شده‌اند",
        "شب‌ها صدای پارس سگ‌های خیابانی نمی‌گذارد بخوابیم",
    ],
    "tree": [
        "چنار کهنسال جلوی خانه کج شده و ممکن است روی ساختمان بیفتد",
        "شاخه‌های بلند جلوی تابلوی راهنمایی را گرفته، لطفاً کوتاه کنید",
        "ریشه‌ها کف حیاط و دیوار ما را ترک داده",
        "باد دیشب یک درخت را شکست و افتاده وسط کوچه",
        "درخت‌های کنار خیابان آفت زده و برگ‌هایشان ریخته، سم‌پاشی لازم است",
    ],
    "park": [
        "سرسرهٔ زمین بازی شکسته و لبهٔ تیز دارد",
        "چمن بوستان محله زرد شده، انگار آب نمی‌دهند",
        "صندلی‌های بوستان کنده شده و جایی برای نشستن سالمندان نیست",
        "تاب‌های پارک زنجیرشان پاره شده و بچه‌ها افتادند",
        "دستشویی بوستان قفل است و آب‌خوری هم آب ندارد",
    ],
    "speedbump": [
        "رانندگان جلوی دبستان مثل اتوبان رانندگی می‌کنند، یک مانع بگذارید",
        "خط عابر جلوی بیمارستان دیگر دیده نمی‌شود، لطفاً رنگ بزنید",
        "تابلوی ورود ممنوع سر کوچه را برداشته‌اند و ماشین‌ها خلاف می‌آیند",
        "سر چهارراه علامت هشدار نیست و هر هفته تصادف می‌شود",
        "موتورها با سرعت زیاد از کوچهٔ باریک ما رد می‌شوند، بچه‌ها در خطرند",
    ],
    "parking": [
        "یک ماشین اسقاطی ماه‌هاست جلوی در خانه پارک شده و تکان نخورده",
        "ماشین‌ها جلوی در پارکینگ ما می‌ایستند و نمی‌توانیم بیرون برویم",
        "مشتری‌های رستوران دوبله پارک می‌کنند و خیابان بسته می‌شود",
        "وانت‌ها روی پیاده‌رو پارک می‌کنند و عابر مجبور است از وسط خیابان برود",
        "جای پارک معلولین را همیشه ماشین‌های دیگر گرفته‌اند",
    ],
    "encroach": [
        "میوه‌فروش جعبه‌هایش را تا وسط پیاده‌رو چیده",
        "همسایه بدون مجوز یک طبقه اضافه ساخته",
        "دست‌فروش‌ها جلوی ایستگاه مترو را کاملاً بسته‌اند",
        "یک نفر دور زمین عمومی کنار رودخانه حصار کشیده و تصرف کرده",
        "تعمیرگاه ماشین کارش را توی خیابان انجام می‌دهد و ماشین‌ها را روی معبر گذاشته",
    ],
    "permit": [
        "پرونده‌ام برای جواز ساخت دو ماه است در نوبت کمیسیون مانده",
        "گواهی پایان کار ساختمانم صادر نمی‌شود و نمی‌دانم چه مدرکی کم است",
        "برای تغییر نقشه و اضافه کردن یک اتاق درخواست داده‌ام جوابی نگرفته‌ام",
        "مهلت مجوز ساختم تمام شده، چطور تمدیدش کنم",
        "استعلام شهرداری برای دفترخانه هنوز نیامده و معامله‌ام معطل مانده",
    ],
    "duties": [
        "برای نوسازی خانه‌ام مبلغ خیلی بیشتری از پارسال حساب کرده‌اند",
        "می‌خواهم بدهی ملکم را قسطی بدهم ولی سامانه اجازه نمی‌دهد",
        "فیش پرداخت عوارض خودرو به اسم دیگری صادر شده",
        "با اینکه پول را واریز کرده‌ام هنوز در سامانه بدهکار نشانم می‌دهد",
        "جریمهٔ دیرکرد عوارض را اشتباه روی حساب من گذاشته‌اند",
    ],
    "safety": [
        "گودبرداری کنار خانهٔ ما بدون دیواره ساخته شده و ترسیده‌ایم دیوارمان بریزد",
        "کپسول‌های گاز را توی زیرزمین مغازه انبار کرده‌اند و خطر انفجار دارد",
        "ساختمان قدیمی نبش کوچه ترک برداشته و ممکن است فرو بریزد",
        "داربست ساختمان روبه‌رو بدون تور ایمنی است و آجر پایین می‌افتد",
        "چاه باز در زمین خالی بدون درپوش رها شده",
    ],
    "social": [
        "یک مرد سالمند چند شب است در ایستگاه اتوبوس می‌خوابد، کمکش کنید",
        "بچه‌های کوچک سر چراغ قرمز گل می‌فروشند و دیروقت هم آنجا هستند",
        "چند معتاد در زیر پل جمع می‌شوند و آتش روشن می‌کنند",
        "زنی با دو بچه در پارک زندگی می‌کند و جایی برای ماندن ندارد",
        "افرادی جلوی درمانگاه از مردم پول می‌خواهند و مزاحمت ایجاد می‌کنند",
    ],
}


def demo_texts() -> list[tuple[str, str]]:
    return [(s, t.format(street=st)) for s, ts in TEXTS.items() for t in ts for st in STREETS]


def evaluate(model: ServiceModel, ids: dict[str, int], rows: list[tuple[str, str]]) -> str:
    top1 = top3 = confident = confident_right = 0
    misses: list[str] = []
    names = {i: s for s, i in ids.items()}
    for s, t in rows:
        ranked = model.predict(t, top=3)
        got = [sid for sid, _ in ranked]
        top1 += bool(got) and got[0] == ids[s]
        top3 += ids[s] in got
        if ranked and ranked[0][1] >= 0.8:
            confident += 1
            confident_right += got[0] == ids[s]
        if not got or got[0] != ids[s]:
            misses.append(f"{s} → {names[got[0]] if got else '—'}: {t}")
    n = len(rows)
    line = (
        f"| {n} | {top1 / n:.1%} | {top3 / n:.1%} | {confident / n:.1%} | "
        f"{confident_right / max(confident, 1):.1%} |"
    )
    return line + "\n" + "\n".join(f"    miss  {m}" for m in misses[:12])


def main() -> None:
    rng = random.Random(3)
    services = list(PROBLEMS)
    ids = {s: i for i, s in enumerate(services)}
    weights = [rng.uniform(0.3, 3.0) for _ in services]
    generated = [(s, request(rng, s)) for s in rng.choices(services, weights, k=16000)]
    hand = [(s, t) for s, ts in HANDWRITTEN.items() for t in ts]
    demo = demo_texts()
    print("| trained on | tested on | n | top-1 | top-3 | share p ≥ 0.8 | its accuracy |")
    print("|---|---|---|---|---|---|---|")
    a = model_train((ids[s], t) for s, t in generated)
    for name, rows in (("hand-written", hand), ("demo texts", demo)):
        print(f"| A. 16,000 generated | {name} " + evaluate(a, ids, rows))
    b = model_train((ids[s], t) for s, t in demo)
    print("| B. demo city (288) | hand-written " + evaluate(b, ids, hand))
    ab = model_train((ids[s], t) for s, t in [*generated, *demo])
    print("| A + B | hand-written " + evaluate(ab, ids, hand))


if __name__ == "__main__":
    main()
