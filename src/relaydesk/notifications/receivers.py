"""Notifications from the timeline: the history lines of one action are collected while its
transaction runs and turned into notifications once it commits (like the automation's hook),
after it, so a failure here never undoes the change (they open a transaction of their own
only when they have something to write)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
        ticket = lines[-1].ticket
        notices = [
            notice
            for line in lines
            # a new ticket's first message is no reply
            if not (created and line.kind == EventKind.MESSAGE)
            and (notice := _notice(line, ticket)) is not None
        ]
        if not notices:  # read only: no transaction (after commit, its BEGIN and COMMIT
            return  # would be two more round trips for every customer's reply)
        with transaction.atomic():
            for notice in notices:
                services.notify(
                    recipients=notice.recipients,
                    event=notice.event,
                    ticket=ticket,
                    actor=notice.actor,
                    text=notice.text,
                )
    except Exception:
        logger.exception("notifications for ticket %s failed", ticket_id)


_collector = LineCollector(Entry, _flush)
suspended = _collector.suspended  # no notifications for actions inside (seeding the demo)


def _may_notify(line: TicketEvent) -> bool:
    """Can `_notice` tell anyone of this line? Judged from the line as written (and the
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


@dataclass(frozen=True)
class _Notice:
    """Whom a line concerns and what to tell them (`services.notify`)."""

    recipients: list[User]
    event: str
    actor: User | None
    text: str = ""


def _notice(line: TicketEvent, ticket: Ticket) -> _Notice | None:
    """What to tell of this line, read without writing; None when it concerns nobody."""
    actor = line.actor
    found: _Notice | None = None
    if line.kind == EventKind.CREATED and ticket.assignee is not None:
        found = _Notice([ticket.assignee], Event.ASSIGNED, actor)
    elif line.kind == EventKind.FIELD and line.field == "assignee":
        assignee = _agent(line.after)
        if assignee is not None:
            found = _Notice([assignee], Event.ASSIGNED, actor)
    elif line.kind == EventKind.TRANSFER:
        assignee = _agent((line.after or {}).get("assignee"))
        before = _agent((line.before or {}).get("assignee"))
        if assignee is not None and assignee != before:
            found = _Notice([assignee], Event.ASSIGNED, actor, line.note)
    elif line.kind == EventKind.MESSAGE and line.message is not None:
        if line.field == MessageKind.NOTE:
            text = line.message.body_text
            found = _Notice(mentions.mentioned_agents(text), Event.MENTIONED, actor, text)
        elif line.field == MessageKind.CUSTOMER:
            owners = list(ticket.followers.all())
            if ticket.assignee is not None:
                owners.append(ticket.assignee)
            found = _Notice(owners, Event.CUSTOMER_REPLIED, actor, line.message.body_text)
    return found if found is not None and found.recipients else None
