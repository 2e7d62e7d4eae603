"""Forms of the meeting screens."""

from __future__ import annotations

from typing import Any

from django import forms

from pishkhan.accounts.models import Committee, Department
from pishkhan.core.forms import JalaliDateField, PersianCharField
from pishkhan.meetings.models import Decision, Position


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="تصمیم", choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    text = PersianCharField(
        label="متن مصوبه", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    lead_department = forms.ModelChoiceField(
        label="واحد مجری", queryset=Department.objects.none(), required=False
    )
    supporting_departments = forms.ModelMultipleChoiceField(
        label="واحدهای همکار", queryset=Department.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )  # fmt: skip
    deadline = JalaliDateField(label="مهلت اجرا", required=False)
    refer_until = JalaliDateField(label="تاریخ بازگشت (ارجاع)", required=False)
    cost_note = PersianCharField(label="یادداشت هزینه", required=False, max_length=300)

    def __init__(
        self, *args: Any, municipality_id: int, members: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(municipality_id=municipality_id, is_active=True)
        self.fields["lead_department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["supporting_departments"].queryset = departments  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name != "outcome":
                field.widget.attrs.setdefault(
                    "class", "form-select" if "department" in name else "form-control"
                )
        self.members = members or []
        for member in self.members:
            self.fields[f"pos_{member.pk}"] = forms.ChoiceField(
                label=member.full_name, required=False,
                choices=[("", "—"), *Position.Stance.choices],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )  # fmt: skip

    def position_fields(self) -> list[Any]:
        return [self[f"pos_{m.pk}"] for m in self.members]


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="حاضران", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["present"]
        field.choices = [(m.pk, f"{m.full_name} ({m.get_role_display()})") for m in members]  # type: ignore[attr-defined]


class SignForm(forms.Form):
    password = forms.CharField(
        label="گذرواژهٔ شما (برای گشودن کلید امضا)",
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )


class ImportUploadForm(forms.Form):
    committee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="کمیتهٔ سابق", queryset=Committee.objects.none()
    )
    file = forms.FileField(label="پرونده (CSV یا XLSX)")

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee: Any = self.fields["committee"]
        committee.queryset = Committee.objects.filter(municipality_id=municipality_id)
        self.fields["committee"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"
