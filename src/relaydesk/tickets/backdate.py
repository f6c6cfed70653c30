"""Original times for imported history (AP3).

An import writes each ticket and message through the services like any other change, so they
are checked and recorded the same way; those stamp the present. `backdate` then gives what one
imported row just wrote its original time, inside the import's transaction, and recomputes the
ticket's SLA from the corrected history. Nothing but an import calls it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from relaydesk.sla import engine
from relaydesk.tickets.models import EventKind, Message, Ticket, TicketEvent

STAMPS = ("first_responded_at", "solved_at")  # set by the services when a reply or solve lands


def last_event(ticket: Ticket | None) -> int:
    """The newest history line's id: pass it to `backdate` as `after_event`."""
    if ticket is None:
        return 0
    return TicketEvent.objects.filter(ticket=ticket).aggregate(n=Max("pk"))["n"] or 0


def backdate(
    ticket: Ticket,
    *,
    at: dt.datetime,
    after_event: int,
    started: dt.datetime,
    updated_at: dt.datetime | None = None,
) -> None:
    """The history lines after `after_event` and their messages happened `at`; if they opened
    the ticket, so did the ticket. Stamps the services set since `started` (the import's start)
    move to `at`; `updated_at` (default `at`) is the ticket's last change."""
    events = TicketEvent.objects.filter(ticket=ticket, pk__gt=after_event)
    message_ids = list(events.exclude(message=None).values_list("message_id", flat=True))
    opened = events.filter(kind=EventKind.CREATED).exists()
    messages = Message.objects.filter(ticket=ticket)  # a ticket's first message has no line
    (messages if opened else messages.filter(pk__in=message_ids)).update(created_at=at)
    events.update(created_at=at)
    fresh = Ticket.objects.get(pk=ticket.pk)
    changes: dict[str, dt.datetime] = {"updated_at": updated_at or at}
    if opened:
        changes["created_at"] = at
    for name in STAMPS:
        stamp = getattr(fresh, name)
        if stamp is not None and stamp >= started:
            changes[name] = at
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    for name, value in changes.items():
        setattr(fresh, name, value)
        setattr(ticket, name, value)
    engine.recompute(fresh)
