"""Labels of model choices, looked up fast.

Django's ``get_FOO_display()`` rebuilds a dict of every (lazy, translated) label on each call:
~60 µs for a 15-state field, paid per row of every office list. ``choice_label`` keeps one
dict per choices class and language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

_LABELS: dict[tuple[type[models.Choices], str], dict[object, str]] = {}


def choice_label(choices: type[models.Choices], value: object) -> str:
    lang = get_language() or ""
    labels = _LABELS.get((choices, lang))
    if labels is None:
        labels = {member.value: str(member.label) for member in choices}
        _LABELS[(choices, lang)] = labels
    return labels.get(value, "" if value is None else str(value))
