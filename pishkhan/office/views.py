from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.roles import Role
from pishkhan.directives.promise import latest_off_path

# Who sees the cases the promise check could not put back (on their home page).
PROMISE_ROLES = (Role.SECRETARY, Role.MAYOR)


@staff_required()
def office_home(request: HttpRequest) -> HttpResponse:
    """The landing page of the back office: what this person has to do now."""
    context: dict[str, Any] = {"today": timezone.localdate()}
    user = request.user
    if getattr(user, "role", "") in PROMISE_ROLES and user.municipality_id:  # type: ignore[union-attr]
        checked_at, off_path = latest_off_path(user.municipality_id)  # type: ignore[union-attr]
        context.update(promise_checked_at=checked_at, off_path=off_path, show_promise=True)
    return render(request, "office/office_home.html", context)
