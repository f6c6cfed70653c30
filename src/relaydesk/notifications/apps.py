from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "relaydesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from relaydesk.notifications import (  # noqa: F401  (connect the receivers)
            receivers,
            sla_alerts,
        )
