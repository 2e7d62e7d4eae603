from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pishkhan.accounts.access import staff_required


@staff_required()
def office_home(request: HttpRequest) -> HttpResponse:
    """The landing page of the back office: what this person has to do now."""
    return render(request, "office/office_home.html", {"today": timezone.localdate()})
