"""A trivial Django view on the same stack: the yardstick of bench/citizen_paths.py.

Not product code. Django with nothing installed and no middleware, one view answering "ok",
served by the same gunicorn command, worker count and load client as the product. What a
request costs Django and gunicorn before any application does anything.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok), path("healthz", ok)]
