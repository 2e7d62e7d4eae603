from django.contrib import admin

from pishkhan.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in Message._meta.fields]
