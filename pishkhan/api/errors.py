"""API errors: ApplicationError and Django ValidationError become 400 with a Persian message;
anything unexpected becomes a JSON 500 (never an HTML page), except a lost database (→ 503 by the
DatabaseUnavailableMiddleware)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.core.middleware import is_database_unavailable

logger = logging.getLogger("pishkhan")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": _("حجم درخواست بیش از اندازهٔ مجاز است.")}, status=413)
    if isinstance(exc, SuspiciousOperation):  # e.g. too many fields: the client's fault
        return Response({"detail": _("درخواست نادرست است.")}, status=400)
    if isinstance(exc, PermissionDeniedError):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=400)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=400)
        return Response({"detail": " ".join(exc.messages)}, status=400)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None and not is_database_unavailable(exc):
        logger.exception("api error", exc_info=exc)
        return Response({"detail": _("خطای درونی سامانه؛ درخواست انجام نشد.")}, status=500)
    return response


@csrf_exempt  # a POST to an unknown path is a 404, not a CSRF page
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown paths under /api/v1/: JSON, like every other API answer."""
    return JsonResponse({"detail": _("یافت نشد.")}, status=404)
