from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from pishkhan.accounts.models import (
    Absence,
    ApiClient,
    Committee,
    Department,
    District,
    Municipality,
    User,
)
from pishkhan.accounts.services import api_client_create, api_client_revoke, user_sync_groups


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "province", "hosts", "is_active"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "municipality"]
    list_filter = ["municipality"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "domain", "deputy", "municipality", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "merged_on", "is_active", "municipality"]
    list_filter = ["municipality", "is_active"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = [
        "mobile",
        "full_name",
        "role",
        "municipality",
        "district",
        "department",
        "is_active",
    ]
    list_filter = ["role", "municipality", "is_active"]
    search_fields = ["mobile", "full_name", "national_id"]
    fieldsets = (
        (None, {"fields": ("mobile", "password")}),
        ("مشخصات", {"fields": ("full_name", "email", "national_id", "title")}),
        (
            "سازمان",
            {
                "fields": (
                    "municipality",
                    "role",
                    "district",
                    "department",
                    "domains",
                    "daily_visit_capacity",
                )
            },
        ),
        ("دسترسی", {"fields": ("is_active", "is_staff", "is_superuser", "locked_until")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("mobile", "password1", "password2", "role", "municipality"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user_sync_groups(user=obj)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "start", "end", "reason"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "municipality", "created_at", "revoked_at"]
    readonly_fields = ["key_prefix", "key_hash", "created_at", "revoked_at"]
    fields = ["municipality", "name", "key_prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: object, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = api_client_create(municipality=obj.municipality, name=obj.name)
        obj.pk = client.pk
        messages.warning(request, f"کلید تازه (فقط همین یک بار نمایش داده می‌شود): {key}")

    @admin.action(description="ابطال کلیدهای انتخاب‌شده")
    def revoke(self, request: HttpRequest, queryset: object) -> None:
        for client in queryset:  # type: ignore[attr-defined]
            api_client_revoke(client=client)
