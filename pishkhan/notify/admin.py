from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pishkhan.notify.models import Message

REDACTED = _("[محرمانه]")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only. A message that carries a secret (a reset code) shows no body."""

    list_display = [
        "id",
        "channel",
        "to",
        "template",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["channel", "status", "template"]
    exclude = ["body", "html_body"]
    readonly_fields = [
        *(f.name for f in Message._meta.fields if f.name not in ("body", "html_body")),
        "shown_body",
    ]

    @admin.display(description=_("متن"))
    def shown_body(self, message: Message) -> str:
        return str(REDACTED) if message.secret else message.body

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
