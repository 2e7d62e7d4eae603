from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pishkhan.core.forms import JalaliDateField, PersianCharField
from pishkhan.core.jalali import combine
from pishkhan.core.ratelimit import rate_claim
from pishkhan.core.text import local_number, to_ascii_digits
from pishkhan.portal.services import COMMENT_MAX_CHARS

CHALLENGE_SALT = "portal.comment.challenge"
CHALLENGE_MAX_AGE = 6 * 3600


def new_challenge() -> tuple[str, str]:
    """(question in the page's digits, signed token). The token carries the expected answer and a
    nonce: a solved token is good for one comment (a replayed one is refused)."""
    a, b = 2 + secrets.randbelow(8), 1 + secrets.randbelow(9)
    token = signing.dumps({"s": a + b, "n": secrets.token_urlsafe(12)}, salt=CHALLENGE_SALT)
    return f"{local_number(a)} + {local_number(b)}", token


class CommentForm(forms.Form):
    name = PersianCharField(
        label=_("نام"),
        max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("ایمیل (نمایش داده نمی‌شود)"),
        required=False,
        widget=forms.EmailInput(
            attrs={"class": "form-control", "autocomplete": "email", "dir": "ltr"}
        ),
    )
    body = PersianCharField(
        label=_("متن نظر"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        error_messages={"max_length": _("متن نظر حداکثر ۳۰۰۰ نویسه است.")},
    )
    answer = forms.CharField(
        label=_("پاسخ پرسش"),
        max_length=4,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    challenge = forms.CharField(widget=forms.HiddenInput)
    # Honeypot: hidden from people (CSS + aria-hidden), bots fill it in.
    website = forms.CharField(required=False, label=_("وب‌سایت"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            signed = signing.loads(
                data.get("challenge", ""), salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE
            )
            expected, nonce = signed["s"], str(signed["n"])
        except (signing.BadSignature, KeyError, TypeError):
            raise forms.ValidationError(
                gettext("پرسش امنیتی منقضی شده است؛ صفحه را دوباره باز کنید.")
            ) from None
        answer = to_ascii_digits(data.get("answer", "") or "").strip()
        if not answer.isdigit() or int(answer) != expected:
            self.add_error("answer", gettext("پاسخ پرسش درست نیست."))
        elif not rate_claim(f"comment-challenge:{nonce}", CHALLENGE_MAX_AGE):
            raise forms.ValidationError(  # the same solved challenge, sent again
                gettext("پرسش امنیتی منقضی شده است؛ صفحه را دوباره باز کنید.")
            )
        return data


class ArticleForm(forms.Form):
    title = PersianCharField(
        label=_("عنوان"), max_length=250, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    lead = PersianCharField(
        label=_("لید"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    body = PersianCharField(
        label=_("متن"),
        help_text=_("هر بند در یک پاراگراف؛ HTML پذیرفته نمی‌شود."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 12}),
    )
    source = PersianCharField(
        label=_("منبع"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    tags = PersianCharField(
        label=_("برچسب‌ها"),
        required=False,
        help_text=_("با ویرگول جدا کنید"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    cover = forms.ImageField(
        label=_("تصویر شاخص"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": "image/jpeg,image/png,image/webp"}
        ),
    )
    cover_alt = PersianCharField(
        label=_("متن جایگزین تصویر"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    publish_date = JalaliDateField(label=_("تاریخ انتشار (اختیاری)"), required=False)
    publish_time = forms.TimeField(
        label=_("ساعت انتشار"),
        required=False,
        widget=forms.TimeInput(attrs={"class": "form-control", "type": "time"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cover") and not data.get("cover_alt"):
            self.add_error(
                "cover_alt", gettext("برای تصویر، متن جایگزین بنویسید (برای نابینایان).")
            )
        return data

    def tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.replace("،", ",").split(",") if t.strip()]

    def publish_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("publish_date")
        if not day:
            return None
        return combine(day, self.cleaned_data.get("publish_time") or dt.time(8, 0))


class ReplyForm(forms.Form):
    body = PersianCharField(
        label=_("پاسخ رسمی شهرداری"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
