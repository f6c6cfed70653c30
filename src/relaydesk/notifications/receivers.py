"""Notifications from the timeline: the history lines of one action are collected while its
transaction runs and turned into notifications once it commits (like the automation's hook),
in a transaction of their own, so a failure here never undoes the change."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from relaydesk.accounts.models import User
from relaydesk.notifications import mentions, services
from relaydesk.notifications.models import Event
from relaydesk.tickets.committed import Entry, LineCollector
from relaydesk.tickets.models import EventKind, MessageKind, Ticket, TicketEvent
from relaydesk.tickets.signals import event_recorded

logger = logging.getLogger(__name__)


@receiver(event_recorded)
def collect(sender: Any, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    _collector.add(event, ticket)


def _flush(ticket_id: int, entry: Entry) -> None:
    _collector.release(ticket_id, entry)
    current = entry.exact and _collector.is_latest(ticket_id, entry)
    if current and not any(map(_may_notify, entry.lines)):
        return
    # While `current`, the lines as written, the last holding the ticket as the action left
    # it (what the lines read back with their ticket would give); else read back.
    lines = (
        entry.lines
        if current
        else list(
            TicketEvent.objects.filter(
                pk__in=[line.pk for line in entry.lines], ticket_id=ticket_id
            )
            .select_related("actor", "message", "ticket__assignee")
            .order_by("id")
        )
    )
    if not lines:
        return
    try:
        created = any(line.kind == EventKind.CREATED for line in lines)
        with transaction.atomic():
            for line in lines:
                if created and line.kind == EventKind.MESSAGE:
                    continue  # a new ticket's first message is no reply
                _notify_line(line, lines[-1].ticket)
    except Exception:
        logger.exception("notifications for ticket %s failed", ticket_id)


_collector = LineCollector(Entry, _flush)
suspended = _collector.suspended  # no notifications for actions inside (seeding the demo)


def _may_notify(line: TicketEvent) -> bool:
    """Can `_notify_line` tell anyone of this line? Judged from the line as written (and the
    ticket it was written on), so an action that concerns nobody costs no query after commit."""
    if line.kind == EventKind.CREATED:
        return line.ticket.assignee_id is not None
    if line.kind == EventKind.FIELD and line.field == "assignee":
        return _id(line.after) is not None
    if line.kind == EventKind.TRANSFER:
        return _id((line.after or {}).get("assignee")) is not None
    return line.kind == EventKind.MESSAGE and line.field in (MessageKind.NOTE, MessageKind.CUSTOMER)


def _id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


def _agent(value: Any) -> User | None:
    agent_id = _id(value)
    if not isinstance(agent_id, int):
        return None
    return User.objects.filter(pk=agent_id).first()


def _notify_line(line: TicketEvent, ticket: Ticket) -> None:
    actor = line.actor
    if line.kind == EventKind.CREATED and ticket.assignee is not None:
        services.notify(
            recipients=[ticket.assignee], event=Event.ASSIGNED, ticket=ticket, actor=actor
        )
    elif line.kind == EventKind.FIELD and line.field == "assignee":
        assignee = _agent(line.after)
        if assignee is not None:
            services.notify(recipients=[assignee], event=Event.ASSIGNED, ticket=ticket, actor=actor)
    elif line.kind == EventKind.TRANSFER:
        assignee = _agent((line.after or {}).get("assignee"))
        before = _agent((line.before or {}).get("assignee"))
        if assignee is not None and assignee != before:
            services.notify(
                recipients=[assignee],
                event=Event.ASSIGNED,
                ticket=ticket,
                actor=actor,
                text=line.note,
            )
    elif line.kind == EventKind.MESSAGE and line.message is not None:
        if line.field == MessageKind.NOTE:
            text = line.message.body_text
            services.notify(
                recipients=mentions.mentioned_agents(text),
                event=Event.MENTIONED,
                ticket=ticket,
                actor=actor,
                text=text,
            )
        elif line.field == MessageKind.CUSTOMER:
            owners = list(ticket.followers.all())
            if ticket.assignee is not None:
                owners.append(ticket.assignee)
            services.notify(
                recipients=owners,
                event=Event.CUSTOMER_REPLIED,
                ticket=ticket,
                actor=actor,
                text=line.message.body_text,
            )
