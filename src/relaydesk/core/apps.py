from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "relaydesk.core"
    label = "core"
    verbose_name = _("Relaydesk")

    def ready(self) -> None:
        from relaydesk.core import checks  # noqa: F401  (registers the system checks)
