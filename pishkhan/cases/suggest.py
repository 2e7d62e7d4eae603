"""Which service a request is about, learnt from the city's own decided cases.

A multinomial naive Bayes over the request's folded words and their 4-letter stems (so «چاله»,
«چاله‌ها» and «چالهٔ» count together, and a typo keeps most of its stems). It is trained on the
city's cases that staff accepted (whose service is the one the district manager settled on), is
cached for an hour, and is only ever shown as a suggestion next to the service list: staff choose.
Accuracy on held-out cases: bench/service_suggest.py, docs/PERFORMANCE.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache

from pishkhan.cases.models import Case
from pishkhan.cases.textmatch import STOPWORDS, fold

# Cases whose service staff have settled: accepted and everything after it.
SETTLED = [
    "accepted",
    "visited",
    "on_agenda",
    "decided",
    "deferred",
    "dispatched",
    "in_progress",
    "done",
    "closed",
]
TRAIN_LIMIT = 5_000  # the newest settled cases: a few seconds to train on a busy machine
CACHE_SECONDS = 6 * 3600


def features(text: str) -> list[str]:
    words = [w for w in fold(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]
    return words + [f"{w[:4]}~" for w in words if len(w) > 4]


@dataclass
class ServiceModel:
    docs: Counter[int] = field(default_factory=Counter)
    words: dict[int, Counter[str]] = field(default_factory=dict)
    totals: Counter[int] = field(default_factory=Counter)
    vocabulary: set[str] = field(default_factory=set)

    def learn(self, service_id: int, text: str) -> None:
        feats = features(text)
        self.docs[service_id] += 1
        self.words.setdefault(service_id, Counter()).update(feats)
        self.totals[service_id] += len(feats)
        self.vocabulary.update(feats)

    def predict(self, text: str, top: int = 3) -> list[tuple[int, float]]:
        """The ``top`` services with their probability (0..1), best first; [] if unknown."""
        feats = [f for f in features(text) if f in self.vocabulary]
        n = sum(self.docs.values())
        if not feats or not n:
            return []
        v = len(self.vocabulary)
        scores = {}
        for service_id, docs in self.docs.items():
            counts, total = self.words[service_id], self.totals[service_id]
            score = math.log(docs / n)
            for f in feats:
                score += math.log((counts[f] + 1) / (total + v))
            scores[service_id] = score
        best = max(scores.values())
        norm = sum(math.exp(s - best) for s in scores.values())
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:top]
        return [(sid, math.exp(s - best) / norm) for sid, s in ranked]


def model_train(samples: Iterable[tuple[int, str]]) -> ServiceModel:
    model = ServiceModel()
    for service_id, text in samples:
        model.learn(service_id, text)
    return model


def service_model(municipality_id: int) -> ServiceModel:
    """The city's model, trained on its newest settled cases (cached for an hour)."""
    key = f"pishkhan:service-model:{municipality_id}"
    model: ServiceModel | None = cache.get(key)
    if model is None:
        rows = (
            Case.objects.filter(municipality_id=municipality_id, status__in=SETTLED)
            .order_by("-id")
            .values_list("service_id", "description")[:TRAIN_LIMIT]
        )
        model = model_train(rows)
        cache.set(key, model, CACHE_SECONDS)
    return model


def service_suggest(*, municipality_id: int, text: str) -> tuple[int, float] | None:
    """The most likely service for ``text`` and its probability, or None when the city has too
    few settled cases or the text says too little."""
    model = service_model(municipality_id)
    if sum(model.docs.values()) < 20:
        return None
    ranked = model.predict(text, top=1)
    return ranked[0] if ranked else None
