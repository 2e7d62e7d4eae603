"""Django's admin with Pishkhan's own site (``admin_site.PishkhanAdminSite``) as ``admin.site``.

Kept apart from ``admin_site``: an app config module is imported before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class PishkhanAdminConfig(AdminConfig):
    default_site = "pishkhan.accounts.admin_site.PishkhanAdminSite"
