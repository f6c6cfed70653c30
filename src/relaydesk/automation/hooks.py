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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from relaydesk.automation import assignment
from relaydesk.tickets.models import EventKind, MessageKind, StatusCategory, Ticket, TicketEvent
from relaydesk.tickets.signals import event_recorded

logger = logging.getLogger(__name__)

MAX_DEPTH = 5
CLOSED = (StatusCategory.SOLVED, StatusCategory.CLOSED)

_local = threading.local()
_depth: ContextVar[int] = ContextVar("relaydesk_automation_depth", default=0)


def _pending() -> dict[int, list[int]]:
    if not hasattr(_local, "pending"):
        _local.pending = {}
    return _local.pending


@receiver(event_recorded)
def collect(sender: Any, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    _pending().setdefault(ticket.pk, []).append(event.pk)
    transaction.on_commit(partial(_flush, ticket.pk), robust=True)


def _flush(ticket_id: int) -> None:
    """The first callback of a committed action takes all its lines; the others find none.
    Lines of a rolled-back action are gone from the table and so are dropped here."""
    ids = _pending().pop(ticket_id, None)
    if not ids:
        return
    lines = list(TicketEvent.objects.filter(pk__in=ids, ticket_id=ticket_id))
    if not lines:
        return
    with _deeper() as depth:
        if depth > MAX_DEPTH:
            logger.warning("automation chain on ticket %s cut after %s rounds", ticket_id, depth)
            return
        after_action(ticket_id, lines)


@contextmanager
def _deeper() -> Iterator[int]:
    token = _depth.set(_depth.get() + 1)
    try:
        yield _depth.get()
    finally:
        _depth.reset(token)


def after_action(ticket_id: int, lines: list[TicketEvent]) -> None:
    """Route the ticket when it needs an agent, and hand out the slots the action freed."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
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
    if ticket.is_closed or ticket.assignee_id is not None:
        assignment.QueueEntry.objects.filter(ticket_id=ticket_id).delete()
    if route and ticket.department_id is not None and not ticket.is_closed:
        assignment.route(ticket_id, replace_unavailable=replace)
    for department_id in sorted(freed - {0}):
        assignment.drain(department_id)


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


def _ids(value: Any) -> set[int]:
    found = _id_of(value)
    return {found} if isinstance(found, int) else set()
