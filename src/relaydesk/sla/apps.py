from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "relaydesk.sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from relaydesk.sla import receivers  # noqa: F401  (connects to event_recorded)
