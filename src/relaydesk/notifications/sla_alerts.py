"""SLA alerts in the desk (CO5, AU6): when a ticket's SLA target is at risk or breached, its
assignee is told — the department's supervisors when nobody has it (administrators when it has
none) — under the agents' own choices for these events. The SLA's escalation rules still mail
whom their policy names; this is the bell beside them. After commit, in a transaction of its
own: a failure is logged and undoes nothing."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from relaydesk.notifications import services
from relaydesk.notifications.models import Event
from relaydesk.notifications.queue import watchers
from relaydesk.sla.models import Stage
from relaydesk.sla.signals import stage_reached
from relaydesk.tickets.models import Ticket

logger = logging.getLogger(__name__)

EVENTS = {Stage.AT_RISK: Event.SLA_AT_RISK, Stage.BREACHED: Event.SLA_BREACHED}


@receiver(stage_reached)
def on_stage(sender: Any, ticket: Ticket, stage: str, **kwargs: Any) -> None:
    transaction.on_commit(partial(announce, ticket.pk, stage))


def announce(ticket_id: int, stage: str) -> None:
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_related("assignee").filter(pk=ticket_id).first()
            if ticket is None:
                return
            people = [ticket.assignee] if ticket.assignee else watchers(ticket.department_id)
            services.notify(recipients=people, event=EVENTS[Stage(stage)], ticket=ticket)
    except Exception:
        logger.exception("SLA alert for ticket %s failed", ticket_id)
