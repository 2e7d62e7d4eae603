from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "pishkhan.cases"
    label = "cases"
    verbose_name = _("درخواست‌ها")

    def ready(self) -> None:
        from pishkhan.cases import clocksteps
        from pishkhan.cases.duplicates import case_duplicates_scan
        from pishkhan.cases.search import case_search_index_pending
        from pishkhan.cycle.jobs import register_job

        register_job("cases.duplicates_scan", run=case_duplicates_scan)
        register_job("cases.search_index", run=case_search_index_pending)
        clocksteps.register()
