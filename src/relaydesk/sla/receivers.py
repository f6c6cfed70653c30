"""Keep every ticket's SLA current: recompute once per action that can change it, at its end
and in its transaction (`tickets.signals.action_recorded`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from relaydesk.sla import engine
from relaydesk.tickets import events
from relaydesk.tickets.models import EventKind, Ticket, TicketEvent
from relaydesk.tickets.signals import action_recorded

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


@receiver(action_recorded, dispatch_uid="relaydesk.sla.recompute")
def recompute_after_action(
    sender: Any, *, ticket: Ticket, events: list[TicketEvent], **kwargs: Any
) -> None:
    if any(changes_sla(event) for event in events):
        engine.recompute(ticket, now=events[-1].created_at)
