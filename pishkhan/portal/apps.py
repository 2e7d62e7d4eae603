from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pishkhan.portal"
    label = "portal"
    verbose_name = "سایت عمومی"
