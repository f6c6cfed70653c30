"""Keep every ticket's SLA current: recompute on each event that can change it, in the same
transaction as the change."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from relaydesk.sla import engine
from relaydesk.tickets import events
from relaydesk.tickets.models import EventKind, Ticket, TicketEvent
from relaydesk.tickets.signals import event_recorded

# A merged ticket leaves the SLA; its target is recomputed.
CLASSIFYING = {
    "status",
    "priority",
    "department",
    "type",
    "organization",
    events.MERGED_INTO,
    events.MERGED_FROM,
}


def changes_sla(event: TicketEvent) -> bool:
    if event.kind in (EventKind.CREATED, EventKind.TAGS, EventKind.TRANSFER):
        return True
    if event.kind == EventKind.MESSAGE:
        return event.field in engine.PUBLIC
    return event.kind == EventKind.FIELD and (
        event.field in CLASSIFYING or event.field.startswith("custom:")
    )


@receiver(event_recorded)
def recompute_on_event(sender: Any, *, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    if changes_sla(event):
        engine.recompute(ticket, now=event.created_at, fresh=event.kind == EventKind.CREATED)
