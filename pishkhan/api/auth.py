"""API tokens: mobile + password, plus the TOTP code for roles with two-factor sign-in."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pishkhan.accounts.access import needs_two_factor
from pishkhan.accounts.login_limits import refusal_of
from pishkhan.rest import errors


class TokenApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_scope = "api_write"

    @extend_schema_serializer(component_name="TokenIn")
    class InputSerializer(serializers.Serializer):
        mobile = serializers.CharField(max_length=20)
        password = serializers.CharField(max_length=128, style={"input_type": "password"})
        otp_token = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=10,
            help_text="TOTP code; required for board members, the mayor and administrators.",
        )

    @extend_schema(
        operation_id="auth_token_create",
        auth=[],
        request=InputSerializer,
        responses={
            200: inline_serializer("TokenOut", {"token": serializers.CharField()}),
            **errors(400, 429),
        },
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = authenticate(request._request, mobile=d["mobile"], password=d["password"])
        refusal = refusal_of(request._request)
        if refusal is not None:
            raise exceptions.Throttled(wait=refusal.wait, detail=refusal.message)
        if user is None or not user.is_staff:
            raise serializers.ValidationError({"detail": _("شماره همراه یا گذرواژه درست نیست.")})
        if needs_two_factor(user):  # type: ignore[arg-type]
            code = (d.get("otp_token") or "").strip()
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if not code or not any(device.verify_token(code) for device in devices):
                raise serializers.ValidationError(
                    {"otp_token": [_("کد ورود دومرحله‌ای لازم است یا درست نیست.")]}
                )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
