from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    """The back office's shell: its landing page, navigation and the week page.

    The app was called ``reports``; its label stays ``reports`` because the label is stored data:
    the migration history (``django_migrations``), the content type and the ``reports.view_reports``
    permission that roles and the accounts migrations grant. Renaming the label would need a data
    migration of all three for no gain.
    """

    name = "pishkhan.office"
    label = "reports"
    verbose_name = _("گزارش‌ها")
