"""Keep every ticket's SLA current: recompute once per action that can change it, at its end
and in its transaction (`tickets.signals.action_recorded`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


_deferred: ContextVar[set[int] | None] = ContextVar("relaydesk_sla_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside, the tickets whose SLA changed are recomputed once, as stored when the block ends
    without an error (still in the caller's transaction): an import's batch of mails costs a
    handful of queries instead of three per mail."""
    waiting: set[int] = set()
    token = _deferred.set(waiting)
    try:
        yield
    finally:
        _deferred.reset(token)
    if waiting:
        engine.recompute_many(list(Ticket.objects.filter(pk__in=waiting)))


@receiver(action_recorded, dispatch_uid="relaydesk.sla.recompute")
def recompute_after_action(
    sender: Any, *, ticket: Ticket, events: list[TicketEvent], **kwargs: Any
) -> None:
    if any(changes_sla(event) for event in events):
        waiting = _deferred.get()
        if waiting is not None:
            waiting.add(ticket.pk)
            return
        created = any(event.kind == EventKind.CREATED for event in events)
        engine.recompute(ticket, now=events[-1].created_at, fresh=created)
