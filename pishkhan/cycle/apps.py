from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "pishkhan.cycle"
    label = "cycle"
    verbose_name = _("چرخهٔ هفتگی")

    def ready(self) -> None:
        from pishkhan.cycle import clocksteps
        from pishkhan.cycle.jobs import register_job
        from pishkhan.cycle.upkeep import (
            database_checkpoint,
            database_statistics_refresh,
            limits_tidy,
        )

        clocksteps.register()
        register_job("cycle.database_statistics", run=database_statistics_refresh)
        register_job("cycle.database_checkpoint", run=database_checkpoint)
        register_job("cycle.limits_tidy", run=limits_tidy)
