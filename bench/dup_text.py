"""Duplicates without a point: recall and precision on a generated, labelled set of case pairs.

    python bench/dup_text.py --problems 2000 --seed 7

Each "problem" (a service, a street, a lane, a landmark and a defect) is reported several times
the ways people write: abbreviations («خ.», «ک.», «بل.»), half-spaces and spaces («ولی عصر»,
«ولیعصر»), Arabic letters (ي ك), honorifics dropped («شهید»), reworded descriptions (synonyms,
order, filler words) and typos (a letter dropped, doubled or swapped). Positives are two reports
of one problem; negatives are reports of different problems of the same service (the scan only
compares a service's open cases), half of them on the same street — the hard ones. Prints a
Markdown table: the rule before (same normalised address + word overlap) and the new one
(cases.textmatch.likely_duplicate), and the cost per compared pair. No database needed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pishkhan.cases.textmatch import likely_duplicate  # noqa: E402
from pishkhan.core.text import normalize_fa, tokens  # noqa: E402

STREETS = [
    ("ولیعصر", ["ولی عصر", "ولي‌عصر", "ولیعصر"]),
    ("شهید بهشتی", ["بهشتی", "شهيد بهشتي", "ش. بهشتی"]),
    ("امام خمینی", ["امام خمینی", "امام خميني"]),
    ("جرجان", ["جرجان"]),
    ("گلستان", ["گلستان"]),
    ("طالقانی", ["طالقاني", "طالقانی"]),
    ("شهید رجایی", ["رجایی", "ش رجائی"]),
    ("پاسداران", ["پاسداران"]),
    ("آزادی", ["آزادي", "آزادی"]),
    ("کاشانی", ["کاشاني", "كاشانی"]),
    ("بسیج", ["بسيج", "بسیج"]),
    ("ناهارخوران", ["ناهار خوران", "ناهارخوران"]),
    ("عدالت", ["عدالت"]),
    ("انقلاب", ["انقلاب"]),
    ("دانشگاه", ["دانشگاه"]),
    ("سرخواجه", ["سر خواجه", "سرخواجه"]),
]
STREET_TYPES = [("خیابان", ["خیابان", "خ.", "خ", "خيابان"]), ("بلوار", ["بلوار", "بل.", "بلوار"])]
LANES = ["لاله", "نرگس", "یاس", "۵", "۱۲", "شقایق", "بوستان", "مسجد", "۷", "فرهنگ", "بهار"]
LANE_TYPES = ["کوچه", "ک.", "کوچهٔ", "ك."]
LANDMARKS = [
    ("نانوایی", ["نانوایی", "نانوائی", "نونوایی"]),
    ("مدرسه", ["مدرسه", "مدرسهٔ", "دبستان"]),
    ("مسجد", ["مسجد"]),
    ("پارک", ["پارک", "بوستان"]),
    ("داروخانه", ["داروخانه"]),
    ("بانک", ["بانک", "بانك"]),
]
DEFECTS = {
    "pothole": [
        ["چاله بزرگ", "چالهٔ بزرگی", "گودال بزرگ", "چاله عمیق"],
        ["آسفالت نشست کرده", "آسفالت فرو رفته", "نشست آسفالت"],
        ["دریچه فاضلاب بیرون زده", "دریچهٔ فاضلاب بلند شده"],
        ["جدول شکسته", "جدول کنار خیابان شکسته است"],
    ],
    "light": [
        ["چراغ خاموش", "لامپ تیر برق خاموش است", "روشنایی ندارد"],
        ["تیر چراغ کج شده", "تیر برق کج است"],
    ],
    "tree": [
        ["درخت خشک شده", "درخت خشکیده"],
        ["شاخه روی سیم افتاده", "شاخهٔ درخت روی سیم برق"],
    ],
}
PLACE = ["جلوی", "کنار", "روبروی", "نزدیک", "پشت"]
FILLER = ["", "لطفا رسیدگی کنید", "خیلی خطرناک است", "چند روز است", "بچه‌ها زمین می‌خورند", "هر شب"]


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) > 3]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1 :]  # dropped
    elif kind == 1:
        w = w[:j] + w[j] + w[j:]  # doubled
    else:
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]  # swapped
    words[i] = w
    return " ".join(words)


class Problem:
    def __init__(self, rng: random.Random, service: str, street: int) -> None:
        self.service = service
        self.street = street
        self.street_type = rng.randrange(len(STREET_TYPES))
        self.lane = rng.choice(LANES) if rng.random() < 0.7 else ""
        self.landmark = rng.randrange(len(LANDMARKS))
        self.defect = rng.randrange(len(DEFECTS[service]))

    def report(self, rng: random.Random) -> tuple[str, str]:
        _canon, variants = STREETS[self.street]
        parts = []
        if rng.random() < 0.9:
            parts.append(f"{rng.choice(STREET_TYPES[self.street_type][1])} {rng.choice(variants)}")
        else:
            parts.append(rng.choice(variants))  # the bare name
        if self.lane and rng.random() < 0.8:
            parts.append(f"{rng.choice(LANE_TYPES)} {self.lane}")
        if rng.random() < 0.4:
            parts.append(f"پلاک {rng.randrange(1, 200)}")
        address = rng.choice(["، ", " ", " - "]).join(parts)
        defect = rng.choice(DEFECTS[self.service][self.defect])
        landmark = rng.choice(LANDMARKS[self.landmark][1])
        text = f"{defect} {rng.choice(PLACE)} {landmark} {rng.choice(FILLER)}".strip()
        if rng.random() < 0.5:
            text = typo(text, rng)
        if rng.random() < 0.3:
            text = typo(text, rng)
        return address, text


def old_rule(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Before: no point → same normalised address, and the same address or word overlap ≥ 0.3."""
    if not a[0] or normalize_fa(a[0]) != normalize_fa(b[0]):
        return False
    ta, tb = tokens(a[1]), tokens(b[1])
    return bool(ta and tb)  # the same address was enough (_similar)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    services = list(DEFECTS)
    problems = [
        Problem(rng, rng.choice(services), rng.randrange(len(STREETS)))
        for _ in range(args.problems)
    ]
    positives, negatives = [], []
    for p in problems:
        reports = [p.report(rng) for _ in range(rng.randint(2, 3))]
        positives += [(reports[0], r) for r in reports[1:]]
    by_service: dict[str, list[Problem]] = {}
    for p in problems:
        by_service.setdefault(p.service, []).append(p)
    same_street_n = 0
    for p in problems:
        pool = by_service[p.service]
        same_street = [
            q
            for q in pool
            if q is not p
            and q.street == p.street
            and (q.lane, q.landmark, q.defect) != (p.lane, p.landmark, p.defect)
        ]
        for q in [rng.choice(same_street)] if same_street else []:
            negatives.append((p.report(rng), q.report(rng)))
            same_street_n += 1
        q = rng.choice(pool)
        if q is not p and q.street != p.street:
            negatives.append((p.report(rng), q.report(rng)))
    rows = []
    for name, rule in (
        ("before: same address string", old_rule),
        (
            "textmatch.likely_duplicate",
            lambda a, b: likely_duplicate(address_a=a[0], address_b=b[0], text_a=a[1], text_b=b[1]),
        ),
    ):
        start = time.perf_counter()
        tp = sum(1 for a, b in positives if rule(a, b))
        fp = sum(1 for a, b in negatives if rule(a, b))
        elapsed = time.perf_counter() - start
        recall = tp / len(positives)
        precision = tp / (tp + fp) if tp + fp else 1.0
        per_pair = elapsed / (len(positives) + len(negatives)) * 1e6
        rows.append((name, recall, precision, per_pair))
    print(
        f"{len(positives)} duplicate pairs, {len(negatives)} different-problem pairs of the same "
        f"service ({same_street_n} on the same street), seed {args.seed}\n"
    )
    print("| rule | recall | precision | µs per pair |")
    print("|---|---|---|---|")
    for name, recall, precision, per_pair in rows:
        print(f"| {name} | {recall:.1%} | {precision:.1%} | {per_pair:.0f} |")


if __name__ == "__main__":
    main()
