"""The REST base every app's API builds on: who may call (``StaffPermission``), the view classes
(``StaffApi`` for reads, ``ActionApi`` for a POST that acts on one object through a service), the
documented error answers (``errors``), pagination and its schema (``paginate``, ``page_of``).

How errors become answers (ApplicationError, ValidationError → 400 with a Persian message) is the
exception handler, pishkhan/api/errors.py; the paginator class is pishkhan/api/pagination.py (both
named in settings.REST_FRAMEWORK).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from pishkhan.accounts.access import two_factor_ok
from pishkhan.accounts.models import Municipality, User


class StaffPermission(BasePermission):
    """Staff of a municipality; the second factor where the role needs it; every permission of
    ``view.required_perms[method]`` and one of ``view.any_perms[method]`` ("*" = any method).

    Token holders passed the second factor when the token was issued (``/api/v1/auth/token/``).
    """

    message = _("شما اجازهٔ این کار را ندارید.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_staff:
            return False
        if user.municipality_id is None:  # type: ignore[union-attr]
            return False
        here = getattr(request._request, "municipality", None)
        if here is not None and user.municipality_id != here.pk:  # type: ignore[union-attr]
            return False  # staff of one city never act through another city's site
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            if not two_factor_ok(request._request):
                return False
        perms = getattr(view, "required_perms", {})
        needed: Sequence[str] = perms.get(request.method, perms.get("*", ()))
        if not all(user.has_perm(p) for p in needed):
            return False
        alternatives = getattr(view, "any_perms", {})
        some: Sequence[str] = alternatives.get(request.method, alternatives.get("*", ()))
        return not some or any(user.has_perm(p) for p in some)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


ERRORS: dict[int, Any] = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Bad input: ``{field: [Persian messages]}`` or ``{detail: message}``.",
    ),
    401: OpenApiResponse(ErrorOut, description="Not authenticated."),
    403: OpenApiResponse(ErrorOut, description="Not allowed (role, permission or second factor)."),
    404: OpenApiResponse(ErrorOut, description="Not found or outside your scope."),
    429: OpenApiResponse(ErrorOut, description="Rate limit reached."),
}


def errors(*codes: int) -> dict[int, Any]:
    return {code: ERRORS[code] for code in (codes or ERRORS)}


_pages: dict[str, type[serializers.Serializer]] = {}


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The schema of one page of ``item``s (count, next, previous, results)."""
    if name not in _pages:
        _pages[name] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
            },
        )
    return _pages[name]


def paginate(
    request: Request,
    view: APIView,
    qs: QuerySet[Any],
    out: type[serializers.Serializer],
    context: dict[str, Any] | None = None,
) -> Response:
    """Page number pagination (``page``, ``page_size`` ≤ 200): two queries whatever the page
    size."""
    paginator = cast(type[BasePagination], api_settings.DEFAULT_PAGINATION_CLASS)()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(out(page, many=True, context=context or {}).data)


PAGE_PARAMS = inline_serializer(
    "PageParams",
    {
        "page": serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1),
        "page_size": serializers.IntegerField(required=False, min_value=1, max_value=200),
    },
)


def staff_user(request: Request) -> User:
    """The authenticated staff user (StaffPermission has checked it)."""
    return cast(User, request.user)


def municipality_of(request: Request) -> Municipality:
    """The user's city (the site's city, already loaded by the middleware, when they match)."""
    here = getattr(request._request, "municipality", None)
    user = staff_user(request)
    if here is not None and here.pk == user.municipality_id:
        return cast(Municipality, here)
    municipality = user.municipality
    if municipality is None:
        raise PermissionDenied
    return municipality


class StaffApi(APIView):
    permission_classes = [StaffPermission]
    throttle_scope = "api_read"
    required_perms: dict[str, tuple[str, ...]] = {}
    any_perms: dict[str, tuple[str, ...]] = {}


Obj = TypeVar("Obj")


# A POST that acts on one object: the app's view finds the object in the caller's scope and calls
# ``perform``; ``authorize`` may refuse before the body is read; the body is validated by the view's
# ``InputSerializer``; ``act`` calls the service; the answer is ``present`` of the object ``act``
# returned (or of the one found, when ``act`` returns None). No docstring: drf-spectacular would
# show an inherited docstring as every action's description.
class ActionApi(StaffApi, Generic[Obj]):
    throttle_scope = "api_write"
    InputSerializer: ClassVar[type[serializers.Serializer]]

    def authorize(self, obj: Obj, user: User) -> None:
        """Nothing more than the view's permissions, unless the app says otherwise."""

    def act(self, obj: Obj, data: dict[str, Any], request: Request) -> Obj | None:
        raise NotImplementedError

    def present(self, request: Request, obj: Obj) -> dict[str, Any]:
        raise NotImplementedError

    def perform(self, request: Request, obj: Obj) -> Response:
        self.authorize(obj, staff_user(request))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = self.act(obj, data.validated_data, request)
        return Response(self.present(request, obj if done is None else done))


def action_schema(
    operation_id: str, body: type[serializers.Serializer], out: type[serializers.Serializer]
) -> Any:
    """The schema of an ``ActionApi``'s POST: ``body`` in, ``out`` back, every error documented."""
    return extend_schema(operation_id=operation_id, request=body, responses={200: out, **errors()})
