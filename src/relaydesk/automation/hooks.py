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
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import receiver

from relaydesk.automation import assignment, compiled, triggers
from relaydesk.tickets.committed import LineCollector
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


@dataclass
class Prepared:
    """What an import's batch read at once for its entries (`_prepare`)."""

    lines: list[TicketEvent]
    ticket: Ticket | None
    version: int
    routed: set[int]
    waiting: bool  # the ticket had a queue entry


@dataclass
class Pending:
    """A ticket's history lines waiting for their transaction to commit, and the round of the
    chain that wrote them (1 for a person's action)."""

    chain: Chain
    depth: int
    ids: list[int] = field(default_factory=list)
    callback: Callable[[], None] | None = None
    prepared: Prepared | None = None


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
    prepared = entry.prepared
    if prepared is None:
        lines = list(TicketEvent.objects.filter(pk__in=entry.ids, ticket_id=ticket_id))
    else:
        lines = prepared.lines
    if not lines:
        return
    if entry.depth > MAX_DEPTH:
        logger.warning("automation on ticket %s cut after %s rounds", ticket_id, MAX_DEPTH)
        return
    token = _current.set((entry.chain, entry.depth))
    try:
        if prepared is None:
            triggers.run(ticket_id, lines, entry.chain.fired)
            after_action(ticket_id, lines)
        else:
            triggers.run(ticket_id, lines, entry.chain.fired, version=prepared.version)
            # Nothing written on the ticket since: it is as prepared (only routing it in a
            # department that hands out may have queued it, and that path removes entries).
            current = not _collector.written_since_prepared(ticket_id)
            after_action(
                ticket_id,
                lines,
                ticket=prepared.ticket if current else None,
                routed=prepared.routed,
                waiting=prepared.waiting if current else None,
            )
    finally:
        _current.reset(token)


def _prepare(entries: list[tuple[int, Pending]]) -> None:
    """An import's batch (`committed.prepared_together`): every entry's lines and ticket, the
    rules' version and the departments that route, each read once for the batch."""
    wanted = {pk for _ticket_id, entry in entries for pk in entry.ids}
    found = TicketEvent.objects.in_bulk(wanted)
    tickets = Ticket.objects.in_bulk({ticket_id for ticket_id, _entry in entries})
    version = compiled.current_version()
    routed = assignment.routed_departments()
    queued = set(
        assignment.QueueEntry.objects.filter(ticket_id__in=tickets).values_list(
            "ticket_id", flat=True
        )
    )
    for ticket_id, entry in entries:
        mine = (found[pk] for pk in set(entry.ids) if pk in found)
        lines = sorted(
            (line for line in mine if line.ticket_id == ticket_id),
            key=lambda line: (line.created_at, line.pk),  # the model's order
        )
        ticket = tickets.get(ticket_id)
        entry.prepared = Prepared(lines, ticket, version, routed, ticket_id in queued)


_collector = LineCollector(_new_entry, _flush, _prepare)
suspended = _collector.suspended  # no automation for actions inside (seeding the demo)


def after_action(
    ticket_id: int,
    lines: list[TicketEvent],
    *,
    ticket: Ticket | None = None,
    routed: set[int] | None = None,
    waiting: bool | None = None,
) -> None:
    """Route the ticket when it needs an agent, and hand out the slots the action freed.
    `ticket`, `routed` (the departments that hand out) and `waiting` (whether the ticket has
    a queue entry): when the caller read them."""
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
    if (ticket.is_closed or ticket.assignee_id is not None) and waiting is not False:
        assignment.QueueEntry.objects.filter(ticket_id=ticket_id).delete()
    if route and ticket.department_id is not None and not ticket.is_closed:
        manual = None if routed is None else ticket.department_id not in routed
        if not (manual and waiting is False):  # by hand, routing only removes the entry
            assignment.route(
                ticket_id,
                replace_unavailable=replace,
                department_id=ticket.department_id,
                manual=manual,
            )
    for department_id in sorted(freed - {0}):
        assignment.drain(department_id)


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


def _ids(value: Any) -> set[int]:
    found = _id_of(value)
    return {found} if isinstance(found, int) else set()
