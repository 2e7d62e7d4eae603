from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
    findings = PersianCharField(
        label=_("یافته‌های بازدید"), widget=forms.Textarea(attrs={"rows": 4})
    )
    measurements = PersianCharField(
        label=_("اندازه‌گیری‌ها"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("طول: ۳ متر\nعمق: ۱۰ سانتی‌متر")}),
        help_text=_("هر مورد در یک سطر، به شکل «عنوان: مقدار»."),
    )
    photos = MultipleFileField(
        label=_("عکس‌ها"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    recommendation = forms.ChoiceField(
        label=_("پیشنهاد"), choices=Visit.Recommendation.choices, widget=forms.RadioSelect
    )
    proposed_text = PersianCharField(
        label=_("متن پیشنهادی تصمیم"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_department = forms.ModelChoiceField(
        label=_("واحد پیشنهادی"), queryset=Department.objects.none(), required=False
    )
    estimated_cost = forms.CharField(label=_("هزینهٔ برآوردی (ریال)"), required=False)
    urgency = forms.TypedChoiceField(
        label=_("فوریت"), choices=Visit.Urgency.choices, coerce=int, initial=Visit.Urgency.MEDIUM
    )
    checkin_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    checkin_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    # When the phone checked in without signal (ISO time, set by report.js); trusted only within
    # the last three days (visit_report_file records the day and flags a wrong one).
    checkin_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # One per report form: the offline queue may send the same report again.
    report_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id, is_active=True
        )
        if not self.is_bound:
            self.initial.setdefault("report_key", uuid.uuid4().hex)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("data-draft", name)

    def clean_checkin_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("checkin_at")
        now = timezone.now()
        if value is None or not (now - dt.timedelta(days=3) <= value <= now):
            return None
        return value

    def clean_estimated_cost(self) -> int | None:
        raw = to_ascii_digits(self.cleaned_data.get("estimated_cost") or "").replace(",", "")
        raw = raw.replace("٬", "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise forms.ValidationError(gettext("هزینه را فقط با رقم بنویسید."))
        return int(raw)

    def clean_measurements(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for line in (self.cleaned_data.get("measurements") or "").splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise forms.ValidationError(
                    gettext("سطر «%(line)s» باید به شکل «عنوان: مقدار» باشد.")
                    % {"line": line.strip()}
                )
            result[key.strip()] = value.strip()
        return result
