from django.contrib import admin
from django.contrib.admin import options
from django.db import models

from pishkhan.core.forms import JalaliDateField, JalaliDateInput, NumericInput, PersianIntegerField
from pishkhan.core.models import AuditEntry

# Every admin form (holidays, absences, weeks…): dates typed in Jalali (۱۴۰۵/۰۹/۰۸), numbers
# in Persian, Arabic-Indic or Latin digits. This module is imported by admin.autodiscover()
# before the admin modules of the apps that follow core in INSTALLED_APPS, and each
# ModelAdmin copies these defaults when it is registered.
options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = {
    "form_class": JalaliDateField,
    "widget": JalaliDateInput,
}
for _field in (
    models.IntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BigIntegerField,
):
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[_field] = {
        "form_class": PersianIntegerField,
        "widget": NumericInput,
    }


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["chain", "seq", "at", "action", "object_type", "object_id", "actor_id"]
    list_filter = ["chain", "action", "object_type"]
    search_fields = ["object_id", "action"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
