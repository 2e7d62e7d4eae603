"""Forms for citizen requests (public and office). The forms parse what the browser sent; the
rules live in one place, ``cases.services.case_submit``, whose ValidationError(dict) keyed
by field ``apply_errors`` maps back."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Municipality
from pishkhan.accounts.selectors import district_choices
from pishkhan.cases.files import PendingFile, pending_keep, pending_load, pending_read
from pishkhan.cases.models import Case, RejectReason
from pishkhan.cases.selectors import service_choices
from pishkhan.core.forms import (
    FastSelect,
    FastTextInput,
    InstanceChoiceField,
    JalaliDateField,
    PersianCharField,
)

MAX_KEPT = 5  # as many as case_submit accepts (MAX_FILES)
# Service error keys that have no field of their own.
ERROR_FIELD = {"location": "address", "channel": None, "files": "attachments"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class CaseForm(forms.Form):
    service = InstanceChoiceField(
        label=_("خدمت"),
        empty_label=_("— خدمت را انتخاب کنید —"),
    )
    # The fields the service checks (name, mobile, description) are not required here: an
    # empty one reaches case_submit, which names it beside every other problem at once.
    # The browser still marks them required (the widget attribute).
    citizen_name = PersianCharField(
        label=_("نام و نام خانوادگی"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"required": True}),
    )
    citizen_mobile = forms.CharField(
        label=_("شمارهٔ همراه"),
        max_length=20,
        required=False,
        help_text=_("کد رهگیری و خبر هر مرحله به این شماره پیامک می‌شود."),
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "dir": "ltr", "autocomplete": "tel", "required": True}
        ),
    )
    national_id = forms.CharField(
        label=_("کد ملی (اختیاری)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    citizen_email = forms.EmailField(label=_("ایمیل (اختیاری)"), required=False)
    description = forms.CharField(
        label=_("شرح درخواست"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "required": True}),
    )
    address = PersianCharField(label=_("نشانی"), max_length=500, required=False)
    district = InstanceChoiceField(
        label=_("منطقه"),
        required=False,
        empty_label=_("— منطقه را انتخاب کنید —"),
        help_text=_("اگر موقعیت را روی نقشه بزنید، منطقه خودکار تعیین می‌شود."),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"data-map-lat": ""}))
    lon = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"data-map-lon": ""}))
    attachments = MultipleFileField(label=_("پیوست (عکس یا PDF)"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, municipality: Municipality | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The city's lists come from a one-minute cache: showing or checking the form costs
        # no query for them.
        self.fields["service"].set_instances(service_choices(municipality))  # type: ignore[attr-defined]
        self.fields["district"].set_instances(district_choices(municipality))  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for name, field in self.fields.items():
            if name in ("lat", "lon", "idempotency_key"):
                continue
            select = isinstance(field, forms.ModelChoiceField | InstanceChoiceField)
            css = "form-select" if select else "form-control"
            field.widget.attrs.setdefault("class", css)

    def _kept_tokens(self) -> list[str]:
        data = self.data
        if not self.is_bound or not isinstance(data, QueryDict):
            return []
        return data.getlist("kept")[:MAX_KEPT]

    def clean_attachments(self) -> list[Any]:
        """The files chosen now, after those kept from the form's previous showing."""
        kept = [pending_load(token) for token in self._kept_tokens()]
        return [f for f in kept if f is not None] + list(self.cleaned_data.get("attachments") or [])

    def keep_uploads(self) -> None:
        """Before the form is shown again with errors: keep its good files (and say why a bad
        one was not kept), so that nobody has to choose their photos again."""
        if not isinstance(self.data, QueryDict):
            return
        tokens = [t for t in self._kept_tokens() if pending_read(t)]
        uploads = (
            self.files.getlist("attachments") if isinstance(self.files, MultiValueDict) else []
        )
        for upload in uploads:
            try:
                tokens.append(pending_keep(upload).token)
            except ValidationError as exc:
                if str(upload.name) not in str(self.errors.get("attachments", "")):
                    self.add_error("attachments", exc)
        data = self.data.copy()
        data.setlist("kept", tokens)
        self.data = data

    def kept_files(self) -> list[PendingFile]:
        return [f for f in (pending_read(t) for t in self._kept_tokens()) if f]

    def apply_errors(self, exc: ValidationError) -> None:
        """Put the service's Persian messages next to the matching fields.

        A form that was already sent and comes back with something else written in it (Back
        in the browser, which gives the form its key again, then an edit): the person is told
        which case the first sending made, and the form, shown again with what was typed,
        gets a new key — sending it again makes the new request."""
        reused = [
            e
            for e in getattr(exc, "error_dict", {}).get("idempotency_key", [])
            if e.code == "reused"
        ]
        if reused:
            data = self.data.copy()  # type: ignore[attr-defined]  # the request's QueryDict
            data["idempotency_key"] = uuid.uuid4().hex
            self.data = data
            self.add_error(
                None,
                _(
                    "این فرم پیش‌تر یک بار فرستاده شده است (کد رهگیری %(code)s) و این بار "
                    "نوشته‌اش فرق دارد. اگر این درخواست دیگری است، دوباره «ثبت درخواست» را بزنید."
                )
                # the code isolated: Latin letters inside a right-to-left sentence
                % {"code": f"\u2068{reused[0].params['code']}\u2069"},
            )
            return
        for key, messages in exc.message_dict.items():
            target = ERROR_FIELD.get(key, key)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class RegisterForm(CaseForm):
    """Office registration on the citizen's behalf."""

    channel = forms.ChoiceField(
        label=_("مجرای ثبت"),
        choices=[
            (Case.Channel.PHONE, Case.Channel.PHONE.label),
            (Case.Channel.WALK_IN, Case.Channel.WALK_IN.label),
            (Case.Channel.LETTER, Case.Channel.LETTER.label),
        ],
    )
    letter_number = PersianCharField(
        label=_("شمارهٔ نامه"),
        required=False,
        max_length=50,
        help_text=_("برای درخواست‌هایی که با نامه رسیده‌اند."),
    )
    letter_date = JalaliDateField(label=_("تاریخ نامه"), required=False)
    field_order = ["channel", "letter_number", "letter_date", "citizen_mobile", "citizen_name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].widget.attrs["class"] = "form-select"
        for name in ("letter_number", "letter_date"):
            self.fields[name].widget.attrs["data-letter-only"] = ""
        # A suggestion of the service from the text, beside the list (cases.suggest).
        self.fields["description"].widget.attrs.update(
            {
                "hx-get": "/office/cases/suggest-service/",
                "hx-trigger": "input changed delay:700ms",
                "hx-target": "#service-suggestion",
            }
        )
        self.fields["service"].help_text = format_html(
            '<span id="{}" aria-live="polite"></span>', "service-suggestion"
        )
        self.fields["citizen_mobile"].widget.attrs.update(
            {
                "hx-get": "/office/cases/lookup/",
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#returning",
            }
        )


class FilterForm(forms.Form):
    q = forms.CharField(label=_("جستجو"), required=False, max_length=200, widget=FastTextInput)
    service = InstanceChoiceField(required=False, label=_("خدمت"), empty_label=_("همهٔ خدمات"))
    channel = forms.ChoiceField(
        label=_("مجرا"),
        required=False,
        choices=[("", _("همهٔ مجراها")), *Case.Channel.choices],
        widget=FastSelect,
    )
    status = forms.ChoiceField(
        label=_("وضعیت"),
        required=False,
        choices=[("", _("همهٔ وضعیت‌ها")), *Case.Status.choices],
        widget=FastSelect,
    )
    date_from = JalaliDateField(label=_("از تاریخ"), required=False)
    date_to = JalaliDateField(label=_("تا تاریخ"), required=False)

    def __init__(self, *args: Any, municipality: Municipality | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Old cases may name a service withdrawn since: the filter lists every service.
        self.fields["service"].set_instances(  # type: ignore[attr-defined]
            service_choices(municipality, include_inactive=True)
        )
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "service": data.get("service"),
            "channel": data.get("channel") or "",
            "status": data.get("status") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "query": data.get("q") or "",
        }


class RejectForm(forms.Form):
    reason = forms.ModelChoiceField(
        queryset=RejectReason.objects.none(), required=False, label=_("علت رد"), empty_label="—"
    )
    note = PersianCharField(label=_("توضیح برای شهروند"), required=False, max_length=1000)

    def __init__(self, *args: Any, municipality: Municipality | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = RejectReason.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality, is_active=True
        )
        self.fields["reason"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["note"].widget.attrs["class"] = "form-control form-control-sm"
