"""Property-based check of the REST API against its own OpenAPI schema (schemathesis, no network).

The schema is loaded from /api/schema/ through the WSGI app; every operation gets a bounded,
derandomised set of generated requests as an administrator (token auth). No 5xx, and every
response (status code, content type, body) must match what the schema declares.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pishkhan.api.tests.test_rest_meetings_directives import build as build_meeting
from pishkhan.cases.services import case_submit
from pishkhan.cycle.services import week_get_or_create
from pishkhan.test import make_city
from pishkhan.visits.models import Visit
from pishkhan.visits.services import visits_plan
from pishkhan.visits.tests.helpers import at, submit

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 10


@pytest.fixture
def keep_db_connection():
    """Like Django's test client: requests must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_rest_api_conforms_to_its_schema(keep_db_connection: None) -> None:
    city = make_city()
    codes = []
    for i, district in enumerate((city["d1"], city["d2"], city["d1"])):
        case = case_submit(
            municipality=city["municipality"],
            channel="web",
            citizen_name="نمونه",
            citizen_mobile="09120000001",
            service=city["pothole"],
            district=district,
            description=f"درخواست نمونه شمارهٔ {i} برای آزمون",
        )
        codes.append(case.tracking_code)
    week_get_or_create(city["municipality"], dt.date(2026, 11, 28))
    week = week_get_or_create(city["municipality"], dt.date(2026, 11, 21))
    for i in range(3):
        submit(city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
    visits_plan(week=week, now=at(2026, 11, 22, 23, 59))
    visit_ids = list(Visit.objects.values_list("pk", flat=True))
    _, _, directive = build_meeting(city, "S")
    # Two of three examples of a path with an id use a real one (random ids only reach the 404s).
    real = {
        "code": codes,
        "start": ["2026-11-28", "2026-11-21"],
        "id": visit_ids,
        "week": ["2026-11-21"],
        "number": [directive.number],
    }
    counter = [0]
    token = Token.objects.create(user=city["admin"])
    headers = {"Authorization": f"Token {token.key}"}
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)

    failures: list[str] = []
    statuses: dict[str, int] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            counter[0] += 1
            for name, values in real.items():
                if name in (case.path_parameters or {}) and counter[0] % 3:
                    case.path_parameters[name] = values[counter[0] % len(values)]
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            key = f"{case.operation.label} {response.status_code}"
            statuses[key] = statuses.get(key, 0) + 1

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert sum(n for k, n in statuses.items() if k.endswith(" 200")) >= 30, statuses
    assert any(k.startswith("GET /api/v1/visits/{id}/ 200") for k in statuses), statuses
    assert operations >= 24
    assert not failures, "\n\n".join(failures)
