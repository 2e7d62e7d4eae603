from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartitioningConfig(AppConfig):
    name = "pishkhan.partitioning"
    label = "partitioning"
    verbose_name = _("بخش‌بندی جدول‌های بزرگ")
