"""Form fields shared by every app: Jalali dates, mobiles, national IDs, Persian text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from pishkhan.core import jalali
from pishkhan.core.text import clean_input, to_ascii_digits
from pishkhan.core.validators import normalize_mobile, normalize_national_id


class FastInputMixin:
    """An <input> written in Python: Django renders two templates per field (input.html and
    attrs.html), ~0.3 ms — on every list page's filter bar."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            flatatt(widget["attrs"]),
        )


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class JalaliDateInput(FastInputMixin, forms.TextInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": _("۱۴۰۵/۰۹/۰۸"),
            "inputmode": "numeric",
            "dir": "ltr",
            "class": "form-control jalali-date",
            "autocomplete": "off",
        }
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


class NumericInput(FastInputMixin, forms.TextInput):
    """A text box for numbers: ``type=number`` refuses «۴۰» in the browser before we see it."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "inputmode": "numeric",
            "dir": "ltr",
            "class": "form-control",
            "autocomplete": "off",
        }
        base.update(attrs or {})
        super().__init__(base)


class PersianIntegerField(forms.IntegerField):
    """Accepts Persian (۴۰), Arabic-Indic (٤٠) and Latin digits, with or without separators."""

    widget = NumericInput

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = to_ascii_digits(value).replace("٬", "").replace(",", "").strip()
            value = value.replace("٪", "").replace("%", "").strip()
        return super().to_python(value)  # type: ignore[no-any-return]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max attributes: they would make the browser validate as a number again.
        return {}


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


class FastSelect(forms.Select):
    """A <select> whose options are written in Python: Django renders a template per option
    (~0.1 ms each), which made a page of filters with 60 options cost milliseconds."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        "" if option["value"] is None else str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group:
                parts.append(mark_safe("</optgroup>"))  # noqa: S308 — a constant
        parts.append(mark_safe("</select>"))  # noqa: S308 — a constant
        return mark_safe("".join(parts))  # noqa: S308 — every part escaped above


class InstanceChoices(BaseChoiceIterator):
    """The options of an ``InstanceChoiceField``: the empty label, then each instance."""

    def __init__(self, empty_label: Any, instances: list[Any]) -> None:
        self.empty_label = empty_label
        self.instances = instances

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield "", self.empty_label
        for obj in self.instances:
            yield str(obj.pk), str(obj)


class InstanceChoiceField(forms.ChoiceField):
    """A choice among model instances the caller already holds (e.g. a city's cached list of
    services): validating a submitted id costs no query. Cleans to the instance or None."""

    # The model field's wording: it does not echo the submitted value back.
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    widget = FastSelect

    def __init__(self, *, empty_label: Any = "", **kwargs: Any) -> None:
        self.empty_label = empty_label
        self.instances: dict[str, Any] = {}
        super().__init__(choices=[], **kwargs)

    def set_instances(self, instances: list[Any]) -> None:
        self.instances = {str(obj.pk): obj for obj in instances}
        # Lazy: the options are listed only when the form is shown. A list here was
        # normalised twice (field and widget) on every submission that never shows them.
        self.choices = InstanceChoices(self.empty_label, instances)

    def prepare_value(self, value: Any) -> Any:
        return getattr(value, "pk", value)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        found = self.instances.get(str(getattr(value, "pk", value)))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return str(self.prepare_value(initial) or "") != str(data or "")
