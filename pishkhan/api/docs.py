"""Who may read the REST API's schema (/api/schema/) and Swagger UI (/api/docs/).

Decision (#13): public in development, signed-in staff only in production, unless the install
sets API_DOCS_PUBLIC=1. The schema holds no data, but it maps every staff endpoint and field of
an API that only the office's own applications use; Open311 (the public API) is documented by
its own standard and /open311/v2/discovery.json.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import BasePermission


class ApiDocsPermission(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
