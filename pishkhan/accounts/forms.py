from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.login_limits import refusal_of
from pishkhan.accounts.models import User
from pishkhan.core.forms import MobileField
from pishkhan.core.validators import normalize_mobile


class LoginForm(forms.Form):
    mobile = MobileField(
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "dir": "ltr", "autocomplete": "username", "autofocus": True}
        )
    )
    password = forms.CharField(
        label=_("گذرواژه"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mobile, password = data.get("mobile"), data.get("password")
        if mobile and password:
            self.user = authenticate(self.request, username=mobile, password=password)  # type: ignore[assignment]
            if self.user is None:
                refusal = refusal_of(self.request)
                if refusal is not None:
                    raise ValidationError(refusal.message)
                raise ValidationError(gettext("شمارهٔ همراه یا گذرواژه درست نیست."))
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("کد شش‌رقمی برنامهٔ احراز هویت"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "one-time-code"}
        ),
    )

    def clean_token(self) -> str:
        from pishkhan.core.text import to_ascii_digits

        return to_ascii_digits(self.cleaned_data["token"]).strip()


class ResetRequestForm(forms.Form):
    mobile = MobileField()


class ResetConfirmForm(forms.Form):
    mobile = MobileField()
    code = forms.CharField(label=_("کد پیامک‌شده"), max_length=8)
    new_password = forms.CharField(label=_("گذرواژهٔ تازه"), strip=False, widget=forms.PasswordInput)

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])
