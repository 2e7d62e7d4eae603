"""Seed the role groups with one permission per staff action.

The role → permission table is copied here as it stood when this migration was written.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "citizen": [],
    "operator": ["cases.register_case", "cases.view_case_list"],
    "district_manager": [
        "cases.register_case",
        "cases.view_case_list",
        "cases.triage_case",
        "cases.merge_case",
        "cases.write_district_summary",
    ],
    "senior_manager": ["visits.file_visit_report", "visits.view_visit_plan"],
    "board_member": [
        "meetings.view_agenda",
        "meetings.sign_minutes",
        "cycle.view_week",
        "cases.view_case_list",
        "reports.view_reports",
    ],
    "mayor": [
        "meetings.view_agenda",
        "meetings.sign_minutes",
        "meetings.chair_meeting",
        "cycle.view_week",
        "cases.view_case_list",
        "reports.view_reports",
    ],
    "secretary": [
        "meetings.view_agenda",
        "meetings.prepare_agenda",
        "meetings.run_meeting",
        "directives.issue_directive",
        "visits.plan_visits",
        "visits.view_visit_plan",
        "cycle.view_week",
        "cases.view_case_list",
        "cases.import_committee_items",
        "reports.view_reports",
        "portal.moderate_comment",
        "portal.publish_article",
    ],
    "department_head": ["directives.work_directive", "directives.view_directive"],
    "department_staff": ["directives.work_directive", "directives.view_directive"],
    "auditor": [
        "cases.view_case_list",
        "cycle.view_week",
        "visits.view_visit_plan",
        "meetings.view_agenda",
        "directives.view_directive",
        "reports.view_reports",
    ],
    "admin": [],
}

def seed_roles(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for config in global_apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0001_initial"),
        ("cycle", "0001_initial"),
        ("visits", "0001_initial"),
        ("meetings", "0001_initial"),
        ("directives", "0001_initial"),
        ("portal", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
