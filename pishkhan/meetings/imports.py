"""Import the open items of former committees (CSV or XLSX) as cases with the committee as
origin. Idempotent by external reference; a dry run reports every row's errors and writes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from pishkhan.accounts.models import Committee, District, Municipality, User
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case, ServiceType
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.core.text import clean_input, local_number, normalize_fa, to_ascii_digits

MAX_ROWS = 5000
# field -> (label, required, header guesses); the guesses are matched against the uploaded
# file's headers, never shown.
FIELDS: dict[str, tuple[str | Promise, bool, tuple[str, ...]]] = {  # record: header guesses
    "external_ref": (
        gettext_lazy("شمارهٔ مورد در کمیته"),
        True,
        ("شماره", "ref", "external_ref", "کد"),
    ),
    "citizen_name": (gettext_lazy("نام متقاضی"), True, ("نام", "name", "متقاضی")),
    "citizen_mobile": (gettext_lazy("همراه متقاضی"), True, ("همراه", "موبایل", "mobile", "تلفن")),
    "service": (gettext_lazy("خدمت (کد یا نام)"), True, ("خدمت", "service", "موضوع")),
    "description": (gettext_lazy("شرح"), True, ("شرح", "description", "توضیح")),
    "district": (gettext_lazy("منطقه (شماره یا نام)"), True, ("منطقه", "district")),
    "address": (gettext_lazy("نشانی"), False, ("نشانی", "آدرس", "address")),
    "national_id": (gettext_lazy("کد ملی"), False, ("کد ملی", "national")),
}


class _DryRun(Exception):
    pass


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV (UTF-8) or XLSX upload."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # noqa: BLE001 - any broken workbook
            raise ApplicationError(gettext("پروندهٔ اکسل خوانده نشد.")) from exc
        if sheet is None:
            raise ApplicationError(gettext("پروندهٔ اکسل برگه‌ای ندارد."))
        table = [
            ["" if v is None else clean_input(str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApplicationError(gettext("پروندهٔ CSV باید با کدگذاری UTF-8 باشد.")) from exc
        table = [[clean_input(c) for c in row] for row in csv.reader(io.StringIO(text))]
    table = [row for row in table if any(row)]
    if len(table) < 2:
        raise ApplicationError(gettext("پرونده سطری برای ورود ندارد."))
    if len(table) - 1 > MAX_ROWS:
        raise ApplicationError(
            gettext("حداکثر %(n)s سطر در هر بار.") % {"n": local_number(MAX_ROWS)}
        )
    return table[0], table[1:]


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    mapping: dict[str, int | None] = {}
    normal = [normalize_fa(h).lower() for h in headers]
    for name, (_, _, guesses) in FIELDS.items():
        mapping[name] = next(
            (i for i, h in enumerate(normal) if any(normalize_fa(g).lower() in h for g in guesses)),
            None,
        )
    return mapping


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    done_rows: int = 0


def _lookup(municipality: Municipality) -> tuple[dict[str, ServiceType], dict[str, District]]:
    services: dict[str, ServiceType] = {}
    for s in ServiceType.objects.filter(municipality=municipality, is_active=True):
        services[s.code.lower()] = s
        services[normalize_fa(s.name)] = s
    districts: dict[str, District] = {}
    for d in District.objects.filter(municipality=municipality):
        districts[str(d.number)] = d
        districts[normalize_fa(d.name)] = d
    return services, districts


def committee_import(
    *,
    municipality: Municipality,
    committee: Committee,
    rows: list[list[str]],
    mapping: dict[str, int | None],
    actor: User,
    dry_run: bool,
    start: int = 0,
) -> ImportResult:
    """Import ``rows`` (row numbers are reported 1-based after the header, offset by ``start``)."""
    if (
        not actor.has_perm("cases.import_committee_items")
        or actor.municipality_id != municipality.pk
    ):
        raise PermissionDeniedError()
    if committee.municipality_id != municipality.pk:
        raise ApplicationError(gettext("کمیته نامعتبر است."))
    missing = [
        FIELDS[f][0]
        for f, (_, required, _) in FIELDS.items()
        if required and mapping.get(f) is None
    ]
    if missing:
        raise ApplicationError(
            gettext("ستون این موارد را مشخص کنید: %(fields)s")
            % {"fields": gettext("، ").join(str(m) for m in missing)}
        )
    services, districts = _lookup(municipality)
    result = ImportResult()
    try:
        with transaction.atomic():
            for offset, row in enumerate(rows):
                number = start + offset + 2  # spreadsheet row (header is row 1)
                result.done_rows += 1

                def cell(name: str, row: list[str] = row) -> str:
                    index = mapping.get(name)
                    return row[index].strip() if index is not None and index < len(row) else ""

                ref = to_ascii_digits(cell("external_ref"))
                if not ref:
                    result.errors.append((number, gettext("شمارهٔ مورد خالی است.")))
                    continue
                if Case.objects.filter(
                    municipality=municipality, origin_committee=committee, external_ref=ref
                ).exists():
                    result.existing += 1
                    continue
                service = services.get(cell("service").lower()) or services.get(
                    normalize_fa(cell("service"))
                )
                district = districts.get(to_ascii_digits(cell("district"))) or districts.get(
                    normalize_fa(cell("district"))
                )
                problems = []
                if service is None:
                    problems.append(
                        gettext("خدمت «%(service)s» در فهرست خدمات نیست.")
                        % {"service": cell("service")}
                    )
                if district is None:
                    problems.append(
                        gettext("منطقهٔ «%(district)s» شناخته نشد.") % {"district": cell("district")}
                    )
                if problems:
                    result.errors.append((number, " ".join(problems)))
                    continue
                assert service is not None and district is not None  # noqa: S101 - checked above
                try:
                    with transaction.atomic():
                        case = case_services.case_submit(
                            municipality=municipality,
                            channel=Case.Channel.COMMITTEE,
                            citizen_name=cell("citizen_name"),
                            citizen_mobile=cell("citizen_mobile"),
                            service=service,
                            description=cell("description"),
                            address=cell("address"),
                            district=district,
                            national_id=to_ascii_digits(cell("national_id")),
                            idempotency_key=f"committee:{committee.pk}:{ref}"[:64],
                            actor=actor,
                            origin_committee=committee,
                            external_ref=ref,
                        )
                        case_services.case_accept(
                            case=case,
                            needs_visit=False,
                            actor=None,
                            note=f"مورد باز {committee.name}",  # record: the case's note
                        )
                except ValidationError as exc:
                    messages = (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    )
                    text = " ".join(m for ms in messages.values() for m in ms)
                    result.errors.append((number, text))
                    continue
                except ApplicationError as exc:
                    result.errors.append((number, str(exc)))
                    continue
                result.created += 1
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def mapping_from_post(data: Any, headers: list[str]) -> dict[str, int | None]:
    mapping: dict[str, int | None] = {}
    for name in FIELDS:
        raw = data.get(f"map_{name}", "")
        mapping[name] = int(raw) if raw.isdigit() and int(raw) < len(headers) else None
    return mapping
