from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "relaydesk.portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from relaydesk.portal import checks, receivers  # noqa: F401  (registration)
