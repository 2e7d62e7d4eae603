"""Forms of the department inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.core.forms import JalaliDateField, PersianCharField, PersianIntegerField


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultiFileInput(attrs={"class": "form-control", "accept": "image/*,application/pdf"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    progress = PersianIntegerField(label=_("پیشرفت (درصد)"), min_value=0, max_value=99)
    note = PersianCharField(
        label=_("شرح"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    evidence = MultiFileField(label=_("مستندات (عکس یا PDF)"), required=False)


class CompleteForm(forms.Form):
    note = PersianCharField(
        label=_("گزارش انجام کار"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    evidence = MultiFileField(label=_("مستندات انجام کار (عکس یا PDF)"), required=True)


class ExtensionForm(forms.Form):
    until = JalaliDateField(label=_("مهلت پیشنهادی"))
    reason = PersianCharField(
        label=_("علت"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
