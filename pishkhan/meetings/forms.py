"""Forms of the meeting screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Committee, Department
from pishkhan.core.forms import JalaliDateField, PersianCharField
from pishkhan.meetings.models import Decision, Position


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("تصمیم"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    text = PersianCharField(
        label=_("متن مصوبه"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    lead_department = forms.ModelChoiceField(
        label=_("واحد مجری"), queryset=Department.objects.none(), required=False
    )
    supporting_departments = forms.ModelMultipleChoiceField(
        label=_("واحدهای همکار"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    deadline = JalaliDateField(label=_("مهلت اجرا"), required=False)
    refer_until = JalaliDateField(label=_("تاریخ بازگشت (ارجاع)"), required=False)
    cost_note = PersianCharField(label=_("یادداشت هزینه"), required=False, max_length=300)

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
                label=member.full_name,
                required=False,
                choices=[("", "—"), *Position.Stance.choices],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def position_fields(self) -> list[Any]:
        return [self[f"pos_{m.pk}"] for m in self.members]


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("حاضران"), widget=forms.CheckboxSelectMultiple, required=False
    )
    guests = forms.CharField(
        label=_("مهمانان (هر سطر: نام — سمت)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(
        self, *args: Any, members: list[Any], voting_roles: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        voting = set(voting_roles or [])
        field: Any = self.fields["present"]
        field.choices = [
            (
                m.pk,
                f"{m.full_name} — {m.title or m.get_role_display()}"
                + ("" if m.role in voting else f" ({_('بدون رأی')})"),
            )
            for m in members
        ]

    def guest_list(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("guests") or "").splitlines():
            name, _sep, title = line.replace(" - ", " — ").partition("—")
            if name.strip():
                rows.append((name.strip(), title.strip()))
        return rows


class PositionForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("نظر شما"), choices=Position.Stance.choices, widget=forms.RadioSelect
    )
    note = PersianCharField(
        label=_("توضیح (اختیاری)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ReasonForm(forms.Form):
    reason = PersianCharField(
        label=_("علت"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("گذرواژهٔ شما (برای گشودن کلید امضا)"),
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
    )


class ImportUploadForm(forms.Form):
    committee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("کمیتهٔ سابق"), queryset=Committee.objects.none()
    )
    file = forms.FileField(label=_("پرونده (CSV یا XLSX)"))

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee: Any = self.fields["committee"]
        committee.queryset = Committee.objects.filter(municipality_id=municipality_id)
        self.fields["committee"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"
