from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_triggers(sender: AppConfig, *, using: str, **kwargs: Any) -> None:
    from relaydesk.tickets import numbering, tally

    tally.ensure(connections[using])
    numbering.ensure(connections[using])


class TicketsConfig(AppConfig):
    name = "relaydesk.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        post_migrate.connect(install_triggers, sender=self)
