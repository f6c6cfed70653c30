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
    sender: Any, *, actions: list[tuple[Ticket, list[TicketEvent]]], **kwargs: Any
) -> None:
    changed = [(ticket, lines) for ticket, lines in actions if any(map(changes_sla, lines))]
    if not changed:
        return
    waiting = _deferred.get()
    if waiting is not None:  # an import batch: recomputed once when it ends
        waiting.update(ticket.pk for ticket, _lines in changed)
        return
    now = max(lines[-1].created_at for _ticket, lines in changed)  # counted until the last line
    opened = {  # tickets this action created: their lines are all they have
        ticket.pk: lines
        for ticket, lines in changed
        if any(line.kind == EventKind.CREATED for line in lines)
    }
    engine.recompute_many([ticket for ticket, _lines in changed], now=now, opened=opened)
