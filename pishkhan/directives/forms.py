"""Forms of the department inbox."""

from __future__ import annotations

from typing import Any

from django import forms

from pishkhan.core.forms import JalaliDateField, PersianCharField


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
    progress = forms.IntegerField(label="پیشرفت (درصد)", min_value=0, max_value=99,
                                  widget=forms.NumberInput(attrs={"class": "form-control"}))  # fmt: skip
    note = PersianCharField(
        label="شرح",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    evidence = MultiFileField(label="مستندات (عکس یا PDF)", required=False)


class CompleteForm(forms.Form):
    note = PersianCharField(label="گزارش انجام کار", max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))  # fmt: skip
    evidence = MultiFileField(label="مستندات انجام کار (عکس یا PDF)", required=True)


class ExtensionForm(forms.Form):
    until = JalaliDateField(label="مهلت پیشنهادی")
    reason = PersianCharField(
        label="علت",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
