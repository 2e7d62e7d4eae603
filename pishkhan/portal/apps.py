from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pishkhan.portal"
    label = "portal"
    verbose_name = "سایت عمومی"

    def ready(self) -> None:
        from pishkhan.cycle.clock import register_step
        from pishkhan.portal.services import bulletin_clock_step

        register_step(
            "publish_bulletin",
            due=lambda week: week.dispatch_at,
            run=bulletin_clock_step,
            order=200,
        )
