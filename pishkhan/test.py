"""Test base: a small city with one persona per role (healthchecks-style), built once per class."""

from __future__ import annotations

import importlib
import re
from typing import Any

from django.test import TestCase

from pishkhan.accounts.models import Department, District, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import user_create
from pishkhan.cases.models import RejectReason, ServiceCategory, ServiceType
from pishkhan.cycle.services import schedule_get_or_create

PASSWORD = "test-password-1405"


def ensure_role_groups() -> None:
    """Transactional tests (browser, real processes) flush what the data migration made."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.exists():
        importlib.import_module("pishkhan.accounts.migrations.0002_seed_roles").seed_roles(
            apps, None
        )
        importlib.import_module("pishkhan.accounts.migrations.0004_roles_see_week").swap(apps, None)


def make_city(slug: str = "testcity", name: str = "شهر آزمون") -> dict[str, Any]:
    """A municipality with 2 districts, 2 departments, 2 services and one user per role."""
    ensure_role_groups()
    m = Municipality.objects.create(
        slug=slug, name=name, hosts=f"{slug}.test", start_lat=36.84, start_lon=54.43
    )
    schedule_get_or_create(municipality=m)
    d1 = District.objects.create(
        municipality=m, number=1, name="منطقهٔ یک", center_lat=36.84, center_lon=54.45
    )
    d2 = District.objects.create(
        municipality=m, number=2, name="منطقهٔ دو", center_lat=36.83, center_lon=54.42
    )
    civil = Department.objects.create(
        municipality=m, code="civil", name="معاونت عمرانی", domain="civil"
    )
    green = Department.objects.create(municipality=m, code="green", name="فضای سبز", domain="green")
    cat = ServiceCategory.objects.create(municipality=m, slug="civil", name="معابر")
    pothole = ServiceType.objects.create(
        municipality=m,
        code="pothole",
        name="ترمیم چاله",
        category=cat,
        department=civil,
        domain="civil",
        description="ترمیم چاله و آسفالت",
    )
    tree = ServiceType.objects.create(
        municipality=m,
        code="tree",
        name="هرس درخت",
        category=cat,
        department=green,
        domain="green",
        description="هرس و قطع درخت",
    )
    reason = RejectReason.objects.create(
        municipality=m, text="خارج از وظایف شهرداری", guidance="به ۱۲۲ زنگ بزنید"
    )
    n = [0]
    prefix = {"testcity": "91", "othercity": "92"}.get(slug, "93")

    def person(role: str, name: str, **extra: Any) -> User:
        n[0] += 1
        return user_create(
            mobile=f"+989{prefix}{n[0]:07d}",
            full_name=name,
            role=role,
            municipality=m,
            password=PASSWORD,
            **extra,
        )

    city: dict[str, Any] = {
        "municipality": m,
        "d1": d1,
        "d2": d2,
        "civil": civil,
        "green": green,
        "pothole": pothole,
        "tree": tree,
        "reason": reason,
        "category": cat,
    }
    city.update(
        citizen=person(Role.CITIZEN, "شهروند نمونه"),
        operator=person(Role.OPERATOR, "اپراتور"),
        manager1=person(Role.DISTRICT_MANAGER, "مدیر منطقه یک", district=d1),
        manager2=person(Role.DISTRICT_MANAGER, "مدیر منطقه دو", district=d2),
        senior=person(Role.SENIOR_MANAGER, "مدیر ارشد", domains="civil,green"),
        senior2=person(Role.SENIOR_MANAGER, "مدیر ارشد دوم", domains="civil"),
        member=person(Role.BOARD_MEMBER, "معاون"),
        member2=person(Role.BOARD_MEMBER, "معاون دوم"),
        mayor=person(Role.MAYOR, "شهردار"),
        secretary=person(Role.SECRETARY, "دبیر"),
        head_civil=person(Role.DEPARTMENT_HEAD, "مدیر عمران", department=civil),
        head_green=person(Role.DEPARTMENT_HEAD, "مدیر فضای سبز", department=green),
        auditor=person(Role.AUDITOR, "بازرس"),
        admin=person(Role.ADMIN, "مدیر سامانه"),
    )
    Department.objects.filter(pk=civil.pk).update(deputy=city["member"])
    Department.objects.filter(pk=green.pk).update(deputy=city["member2"])
    return city


class BaseTestCase(TestCase):
    """Personas: citizen, operator, manager1/manager2 (districts d1/d2), senior, member, mayor,
    secretary, head_civil/head_green, auditor, admin — all of municipality ``m``."""

    city: dict[str, Any]
    m: Municipality

    @classmethod
    def setUpTestData(cls) -> None:
        cls.city = make_city()
        for key, value in cls.city.items():
            setattr(cls, key, value)
        cls.m = cls.city["municipality"]

    def login(self, user: User) -> None:
        """Log in; board members, the mayor and admins also pass the second factor."""
        self.client.force_login(user)
        if user.role in (Role.BOARD_MEMBER, Role.MAYOR, Role.ADMIN):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="test", defaults={"confirmed": True}
            )
            session = self.client.session
            session["otp_device_id"] = device.persistent_id
            session.save()


def query_plan(qs: Any) -> str:
    """The database's plan for ``qs``, one line per step joined by " | ". On PostgreSQL the
    sequential scan is forbidden for the statement: a tiny test table has no statistics worth
    planning on, so the question asked is whether the indexes *can* answer it."""
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " | ".join(str(r[-1]) for r in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return " | ".join(str(r[0]) for r in cursor.fetchall())


def plan_uses(plan: str, index: str) -> bool:
    """Whether ``plan`` (query_plan's) reads ``index``, or on a partitioned table (PostgreSQL,
    pishkhan/partitioning) one of its copies on the partitions, which PostgreSQL names itself."""
    from django.db import connection

    names = {index}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH RECURSIVE copies(oid) AS (SELECT to_regclass(%s)::oid UNION"
                " SELECT i.inhrelid FROM pg_inherits i JOIN copies c ON i.inhparent = c.oid)"
                " SELECT c.relname FROM copies JOIN pg_class c ON c.oid = copies.oid",
                [index],
            )
            names |= {row[0] for row in cursor.fetchall()}
    return any(re.search(rf"\b{re.escape(name)}\b", plan) for name in names)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order as poppler's pdftotext lays it out (``-layout``): what a
    clerk would copy. Bidi controls pdftotext adds (LRE/RLE/PDF marks) and ZWNJ (which
    pdftotext drops inconsistently) are removed."""
    import re
    import subprocess

    out = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out)


def pdf_page_png(pdf: bytes, page: int = 1, dpi: int = 60) -> Any:
    """One page of the PDF rendered by poppler (pdftoppm) as a PIL image, for visual checks."""
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        command = ["/usr/bin/pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        command += ["-singlefile", str(source), str(Path(tmp) / "page")]
        subprocess.run(command, check=True)  # noqa: S603
        with Image.open(Path(tmp) / "page.png") as image:
            return image.convert("RGB")
