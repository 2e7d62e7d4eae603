from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy

from pishkhan.accounts.models import (
    Absence,
    ApiClient,
    Committee,
    Department,
    District,
    Municipality,
    User,
)
from pishkhan.accounts.services import (
    api_client_create,
    api_client_revoke,
    user_api_tokens_revoke,
    user_sync_groups,
)


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
        (_("مشخصات"), {"fields": ("full_name", "email", "national_id", "title")}),
        (
            _("سازمان"),
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
        (_("دسترسی"), {"fields": ("is_active", "is_staff", "is_superuser")}),
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

    actions = ["revoke_api_tokens"]

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user_sync_groups(user=obj)

    @admin.action(description=_("ابطال توکن‌های API کاربران انتخاب‌شده"))
    def revoke_api_tokens(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            user_api_tokens_revoke(user=user, actor=request.user)  # type: ignore[arg-type]


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
        messages.warning(
            request, gettext("کلید تازه (فقط همین یک بار نمایش داده می‌شود): %(key)s") % {"key": key}
        )

    @admin.action(description=_("ابطال کلیدهای انتخاب‌شده"))
    def revoke(self, request: HttpRequest, queryset: object) -> None:
        for client in queryset:  # type: ignore[attr-defined]
            api_client_revoke(client=client)


# Secrets never appear in the admin: a TOTP device's key (it would let the reader produce the
# owner's codes) and an API token's key (it is the token, and DRF's admin even puts it in every
# link). Devices are enrolled by their owner at /accounts/two-factor/; the admin may only see
# and delete one (a lost phone). Tokens are revoked from the user list (action below).
for model in (TOTPDevice, TokenProxy):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__mobile", "user__full_name"]
    fields = readonly_fields = (
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
