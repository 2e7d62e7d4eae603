from __future__ import annotations

from typing import Any

from django import forms

from pishkhan.accounts.models import Department
from pishkhan.core.forms import PersianCharField
from pishkhan.core.text import to_ascii_digits
from pishkhan.visits.models import Visit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; their content is checked by the service (photo_clean)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class VisitReportForm(forms.Form):
    findings = PersianCharField(label="یافته‌های بازدید", widget=forms.Textarea(attrs={"rows": 4}))
    measurements = PersianCharField(
        label="اندازه‌گیری‌ها",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "طول: ۳ متر\nعمق: ۱۰ سانتی‌متر"}),
        help_text="هر مورد در یک سطر، به شکل «عنوان: مقدار».",
    )
    photos = MultipleFileField(
        label="عکس‌ها",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    recommendation = forms.ChoiceField(
        label="پیشنهاد", choices=Visit.Recommendation.choices, widget=forms.RadioSelect
    )
    proposed_text = PersianCharField(
        label="متن پیشنهادی تصمیم", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_department = forms.ModelChoiceField(
        label="واحد پیشنهادی", queryset=Department.objects.none(), required=False
    )
    estimated_cost = forms.CharField(label="هزینهٔ برآوردی (ریال)", required=False)
    urgency = forms.TypedChoiceField(
        label="فوریت", choices=Visit.Urgency.choices, coerce=int, initial=Visit.Urgency.MEDIUM
    )
    checkin_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    checkin_lon = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id, is_active=True
        )
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("data-draft", name)

    def clean_estimated_cost(self) -> int | None:
        raw = to_ascii_digits(self.cleaned_data.get("estimated_cost") or "").replace(",", "")
        raw = raw.replace("٬", "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise forms.ValidationError("هزینه را فقط با رقم بنویسید.")
        return int(raw)

    def clean_measurements(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for line in (self.cleaned_data.get("measurements") or "").splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise forms.ValidationError(
                    f"سطر «{line.strip()}» باید به شکل «عنوان: مقدار» باشد."
                )
            result[key.strip()] = value.strip()
        return result
