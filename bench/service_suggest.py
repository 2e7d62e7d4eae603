"""Service suggestion from the request text: accuracy on held-out cases.

    python bench/service_suggest.py --cases 20000 --seed 3

Requests are generated the way bench/generate_city.py writes them (a problem of the service, a
place, a detail, an ending), then reworded: Arabic letters, typos (a letter dropped, doubled or
swapped), words dropped. 80 % train the model (cases.suggest), 20 % are held out. Prints the
top-1 and top-3 accuracy, the accuracy when the suggestion is confident (p ≥ 0.8) and how often
it is, training time and the time per suggestion. No database needed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import django_setup  # noqa: E402

django_setup()  # cases.suggest imports the Case model

from bench.dup_text import typo  # noqa: E402
from bench.generate_city import DETAILS, ENDINGS, PLACES, PROBLEMS, STREETS  # noqa: E402
from pishkhan.cases.suggest import model_train  # noqa: E402


def request(rng: random.Random, service: str) -> str:
    text = (
        f"{rng.choice(DETAILS)} {rng.choice(PROBLEMS[service])} {rng.choice(PLACES)} "
        f"{rng.choice(STREETS)} {rng.choice(ENDINGS)}"
    )
    words = text.split()
    if len(words) > 6 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    text = " ".join(words)
    for _ in range(rng.randint(0, 2)):
        text = typo(text, rng)
    if rng.random() < 0.2:
        text = text.translate(str.maketrans("یک", "يك"))
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    services = list(PROBLEMS)
    # a real city's mix: potholes and lighting common, permits rare
    weights = [rng.uniform(0.3, 3.0) for _ in services]
    rows = [(s, request(rng, s)) for s in rng.choices(services, weights, k=args.cases)]
    cut = int(len(rows) * 0.8)
    train, test = rows[:cut], rows[cut:]
    ids = {s: i for i, s in enumerate(services)}
    start = time.perf_counter()
    model = model_train((ids[s], t) for s, t in train)
    trained = time.perf_counter() - start
    top1 = top3 = confident = confident_right = 0
    start = time.perf_counter()
    for s, t in test:
        ranked = model.predict(t, top=3)
        got = [sid for sid, _ in ranked]
        top1 += bool(got) and got[0] == ids[s]
        top3 += ids[s] in got
        if ranked and ranked[0][1] >= 0.8:
            confident += 1
            confident_right += got[0] == ids[s]
    per = (time.perf_counter() - start) / len(test) * 1000
    print(
        f"{len(services)} services, {len(train)} training and {len(test)} held-out requests, seed {args.seed}\n"
    )
    print(
        "| top-1 | top-3 | confident (p ≥ 0.8) share | its accuracy | training | per suggestion |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {top1 / len(test):.1%} | {top3 / len(test):.1%} | {confident / len(test):.1%} | "
        f"{confident_right / max(confident, 1):.1%} | {trained:.2f} s | {per:.2f} ms |"
    )


if __name__ == "__main__":
    main()
