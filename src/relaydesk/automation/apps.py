from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "relaydesk.automation"
    label = "automation"
    verbose_name = _("Automation")

    def ready(self) -> None:
        from relaydesk.automation import hooks  # noqa: F401  (connects the signal receiver)
