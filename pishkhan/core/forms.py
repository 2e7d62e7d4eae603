"""Form fields shared by every app: Jalali dates, mobiles, national IDs, Persian text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.core import jalali
from pishkhan.core.text import clean_input
from pishkhan.core.validators import normalize_mobile, normalize_national_id


class JalaliDateInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": _("۱۴۰۵/۰۹/۰۸"), "inputmode": "numeric", "dir": "ltr",
                "class": "form-control jalali-date", "autocomplete": "off"}  # fmt: skip
        base.update(attrs or {})
        super().__init__(base)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return jalali.format_date(value, lang="en")
        return super().format_value(value)


class JalaliDateField(forms.DateField):
    """Accepts 1405/09/08 in Latin or Persian digits; cleans to a Gregorian date."""

    widget = JalaliDateInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return jalali.parse_jalali_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class PersianCharField(forms.CharField):
    """Stores text as typed, with Arabic letters and stray control characters fixed."""

    def to_python(self, value: Any) -> str:
        return clean_input(super().to_python(value) or "")


class MobileField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("شمارهٔ همراه"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr", "autocomplete": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_mobile(value) if value else ""


class NationalIdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("کد ملی"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_national_id(value) if value else ""
