from django.contrib import admin

from pishkhan.core.models import AuditEntry


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
