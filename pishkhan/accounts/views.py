from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from pishkhan.accounts import services
from pishkhan.accounts.access import needs_two_factor
from pishkhan.accounts.forms import LoginForm, ResetConfirmForm, ResetRequestForm, TokenForm
from pishkhan.accounts.login_limits import refusal_of, remember_device
from pishkhan.core.errors import ApplicationError
from pishkhan.core.ratelimit import client_ip, rate_limited, rate_spent


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """The office login, also the admin's (/admin/login/ sends here): limits in login_limits."""
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.user
        if user is None:  # pragma: no cover — is_valid() guarantees a user
            return redirect("accounts:login")
        login(request, user)
        if needs_two_factor(user):
            target = _next(request, "/office/")
            response = redirect(f"/accounts/two-factor/?{urlencode({'next': target})}")
        else:
            response = redirect(_next(request, "/office/" if user.is_staff else "/"))
        remember_device(response, user)
        return response
    status = 429 if refusal_of(request) is not None else 200
    return render(
        request, "accounts/login.html", {"form": form, "next": _next(request, "")}, status=status
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("از حساب خود خارج شدید."))
    return redirect("portal:home")


@never_cache
@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Set up (first time) or enter the TOTP code; required for board members, mayor, admins."""
    device = services.totp_device_get_or_create(user=request.user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request, "/office/"))
        form.add_error("token", _("کد درست نیست؛ کد تازه‌ای از برنامه وارد کنید."))
    context = {"form": form, "device": device, "next": _next(request, "")}
    if not device.confirmed:
        context["qr_svg"] = services.totp_qr_svg(device)
    return render(request, "accounts/two_factor.html", context)


@never_cache
def password_reset_view(request: HttpRequest) -> HttpResponse:
    address = client_ip(request)
    sends, failures = "reset-send:" + address, "reset-fail:" + address
    request_form = ResetRequestForm(request.POST if "send" in request.POST else None)
    confirm_form = ResetConfirmForm(request.POST if "confirm" in request.POST else None)
    status = 200
    if "send" in request.POST and request_form.is_valid():
        if rate_limited(sends, settings.RESET_SEND_RATE_LIMIT):
            request_form.add_error(
                None,
                _("درخواست کد از این نشانی بیش از اندازه بوده است؛ یک ساعت دیگر دوباره تلاش کنید."),
            )
            status = 429
        else:
            services.password_reset_request(mobile=request_form.cleaned_data["mobile"])
            messages.info(
                request, _("اگر این شماره در سامانه ثبت باشد، کد بازیابی برای آن پیامک شد.")
            )
            confirm_form = ResetConfirmForm(initial={"mobile": request.POST.get("mobile", "")})
    elif "confirm" in request.POST and rate_spent(failures, settings.RESET_RATE_LIMIT):
        confirm_form.add_error(
            None, _("کدهای نادرست زیادی از این نشانی وارد شده است؛ یک ساعت دیگر دوباره تلاش کنید.")
        )
        status = 429
    elif "confirm" in request.POST and confirm_form.is_valid():
        try:
            services.password_reset_confirm(**confirm_form.cleaned_data)
        except ValidationError as exc:
            confirm_form.add_error("new_password", exc)
        except ApplicationError as exc:
            rate_limited(failures, settings.RESET_RATE_LIMIT)  # counts this wrong code
            confirm_form.add_error("code", exc.message)
        else:
            messages.success(request, _("گذرواژه تغییر کرد؛ اکنون وارد شوید."))
            return redirect("accounts:login")
    return render(
        request,
        "accounts/password_reset.html",
        {
            "request_form": request_form,
            "confirm_form": confirm_form,
            "help_texts": password_validators_help_texts(),
        },
        status=status,
    )
