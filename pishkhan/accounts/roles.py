"""Roles are Groups; each holds one permission per staff action (seeded by a data migration).

The codename list below is the single source; migrations copy it at the time they run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("شهروند")
    OPERATOR = "operator", _("کارشناس پذیرش")
    DISTRICT_MANAGER = "district_manager", _("مدیر منطقه")
    SENIOR_MANAGER = "senior_manager", _("مدیر ارشد")
    BOARD_MEMBER = "board_member", _("عضو پیشخوان (معاون/مدیر شهری)")
    MAYOR = "mayor", _("شهردار")
    SECRETARY = "secretary", _("دبیر پیشخوان")
    DEPARTMENT_HEAD = "department_head", _("مدیر واحد")
    DEPARTMENT_STAFF = "department_staff", _("کارمند واحد")
    AUDITOR = "auditor", _("بازرس")
    ADMIN = "admin", _("مدیر سامانه")


# role -> list of "app_label.codename"
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CITIZEN: [],
    Role.OPERATOR: ["cases.register_case", "cases.view_case_list"],
    Role.DISTRICT_MANAGER: [
        "cases.register_case",
        "cases.view_case_list",
        "cases.triage_case",
        "cases.merge_case",
        "cases.write_district_summary",
    ],
    Role.SENIOR_MANAGER: ["visits.file_visit_report", "visits.view_visit_plan"],
    Role.BOARD_MEMBER: [
        "meetings.view_agenda",
        "meetings.sign_minutes",
        "cycle.see_week",
        "cases.view_case_list",
        "reports.view_reports",
    ],
    Role.MAYOR: [
        "meetings.view_agenda",
        "meetings.sign_minutes",
        "meetings.chair_meeting",
        "cycle.see_week",
        "cases.view_case_list",
        "reports.view_reports",
    ],
    Role.SECRETARY: [
        "meetings.view_agenda",
        "meetings.prepare_agenda",
        "meetings.run_meeting",
        "directives.issue_directive",
        "visits.plan_visits",
        "visits.view_visit_plan",
        "cycle.see_week",
        "cases.view_case_list",
        "cases.import_committee_items",
        "reports.view_reports",
        "portal.moderate_comment",
        "portal.publish_article",
    ],
    Role.DEPARTMENT_HEAD: ["directives.work_directive", "directives.view_directive"],
    Role.DEPARTMENT_STAFF: ["directives.work_directive", "directives.view_directive"],
    Role.AUDITOR: [
        "cases.view_case_list",
        "cycle.see_week",
        "visits.view_visit_plan",
        "meetings.view_agenda",
        "directives.view_directive",
        "reports.view_reports",
    ],
    Role.ADMIN: [],
}

# Roles whose scope is one district / one department.
DISTRICT_SCOPED = {Role.DISTRICT_MANAGER}
DEPARTMENT_SCOPED = {Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF}
# Roles that must use TOTP two-factor.
TWO_FACTOR_ROLES = {Role.BOARD_MEMBER, Role.MAYOR, Role.ADMIN}
