"""What the automation does after each service action on a ticket.

`event_recorded` fires inside the action's transaction for every history line. The receiver
only collects the lines per ticket; once the transaction commits, they are handled together —
once per action, not once per line — in a transaction of their own: the ticket is routed, slots
that freed up are handed to waiting tickets. A failure there is logged and never undoes the
action that caused it.

Changes the automation makes are service actions too, so they come back here: a chain is cut
after `MAX_DEPTH` rounds, which keeps rules from feeding each other endlessly.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import receiver

from relaydesk.automation import assignment, triggers
from relaydesk.tickets.committed import Entry, LineCollector
from relaydesk.tickets.models import EventKind, MessageKind, StatusCategory, Ticket, TicketEvent
from relaydesk.tickets.signals import event_recorded

logger = logging.getLogger(__name__)

MAX_DEPTH = 5
CLOSED = (StatusCategory.SOLVED, StatusCategory.CLOSED)


@dataclass
class Chain:
    """One cascade of actions, however its callbacks are run: which triggers fired on which
    ticket."""

    fired: set[tuple[int, int]] = field(default_factory=set)


@dataclass(kw_only=True)
class Pending(Entry):
    """A ticket's history lines waiting for their transaction to commit, and the round of the
    chain that wrote them (1 for a person's action)."""

    chain: Chain
    depth: int


_current: ContextVar[tuple[Chain, int] | None] = ContextVar("relaydesk_automation", default=None)


def _new_entry() -> Pending:
    """A ticket's first line of a transaction: a new round of the chain running now, if any."""
    current = _current.get()
    chain, depth = current if current is not None else (Chain(), 0)
    return Pending(chain=chain, depth=depth + 1)


@receiver(event_recorded)
def collect(sender: Any, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    _collector.add(event, ticket)


def _flush(ticket_id: int, entry: Pending) -> None:
    """Handle a committed action's lines once, in a transaction of their own."""
    _collector.release(ticket_id, entry)
    lines = entry.committed(ticket_id, TicketEvent.objects.all())
    if not lines:
        return
    if entry.depth > MAX_DEPTH:
        logger.warning("automation on ticket %s cut after %s rounds", ticket_id, MAX_DEPTH)
        return
    token = _current.set((entry.chain, entry.depth))
    try:
        fired = len(entry.chain.fired)
        triggers.run(ticket_id, lines, entry.chain.fired)
        # Unless a trigger or a later action wrote on it since, the ticket is as the lines'
        # action left it.
        known = (
            entry.exact
            and len(entry.chain.fired) == fired
            and _collector.is_latest(ticket_id, entry)
        )
        after_action(ticket_id, lines, ticket=lines[-1].ticket if known else None)
    finally:
        _current.reset(token)


_collector = LineCollector(_new_entry, _flush)
suspended = _collector.suspended  # no automation for actions inside (seeding the demo)


def after_action(ticket_id: int, lines: list[TicketEvent], *, ticket: Ticket | None = None) -> None:
    """Route the ticket when it needs an agent, and hand out the slots the action freed.
    `ticket`: the ticket as the action left it, when nothing has changed it since (read
    otherwise); one the lines opened then waits in no queue."""
    opened = ticket is not None and any(line.kind == EventKind.CREATED for line in lines)
    ticket = ticket or Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    freed: set[int] = set()
    route = replace = False
    for line in lines:
        if line.kind == EventKind.CREATED:
            route = True
        elif line.kind == EventKind.MESSAGE and line.field == MessageKind.CUSTOMER:
            route = replace = True
        elif line.kind == EventKind.TRANSFER:
            if _id_of((line.before or {}).get("assignee")) is not None:
                freed.update(_ids((line.before or {}).get("department")))
            route = True
        elif line.kind == EventKind.FIELD and line.field == "department":
            freed.update(_ids(line.before))
            route = True
        elif line.kind == EventKind.FIELD and line.field == "assignee":
            if line.before is not None:
                freed.add(ticket.department_id or 0)
            route = route or line.after is None
        elif (
            line.kind == EventKind.FIELD
            and line.field == "status"
            and _id_of(line.after) in CLOSED
            and _id_of(line.before) not in CLOSED
        ):
            freed.add(ticket.department_id or 0)
    if (ticket.is_closed or ticket.assignee_id is not None) and not opened:
        assignment.dequeue(ticket_id)
    if route and ticket.department_id is not None and not ticket.is_closed:
        assignment.route(
            ticket_id,
            replace_unavailable=replace,
            department_id=ticket.department_id,
            queued=not opened,
        )
    for department_id in sorted(freed - {0}):
        assignment.drain(department_id)


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


def _ids(value: Any) -> set[int]:
    found = _id_of(value)
    return {found} if isinstance(found, int) else set()
