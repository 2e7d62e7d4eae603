from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "pishkhan.directives"
    label = "directives"
    verbose_name = _("ابلاغیه‌ها")

    def ready(self) -> None:
        from pishkhan.cycle.jobs import register_job
        from pishkhan.directives import clocksteps, services
        from pishkhan.meetings.sources import register_agenda_source

        register_agenda_source("directives", services.agenda_source)
        register_job("directives.letters_render", run=services.letters_render)
        clocksteps.register()
