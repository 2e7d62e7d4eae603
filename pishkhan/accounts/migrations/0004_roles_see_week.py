"""The roles that follow the weekly cycle held ``cycle.view_week`` — Django's own view
permission for Week, which also opened the admin's week list. They hold ``cycle.see_week`` now."""

from django.db import migrations


def swap(apps, schema_editor, old="view_week", new="see_week"):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    config = global_apps.get_app_config("cycle")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    old_perm = Permission.objects.get(content_type__app_label="cycle", codename=old)
    new_perm = Permission.objects.get(content_type__app_label="cycle", codename=new)
    for group in Group.objects.filter(permissions=old_perm):
        group.permissions.remove(old_perm)
        group.permissions.add(new_perm)


def swap_back(apps, schema_editor):
    swap(apps, schema_editor, old="see_week", new="view_week")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_city_boundary_places_trusted_relay"),
        ("cycle", "0004_week_see_week_permission"),
    ]

    operations = [migrations.RunPython(swap, swap_back)]
