from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "relaydesk.desk"
    label = "desk"
    verbose_name = _("Desk")

    def ready(self) -> None:
        from relaydesk.desk import reference

        reference.connect()
