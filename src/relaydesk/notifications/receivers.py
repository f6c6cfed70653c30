"""Notifications from the timeline: the history lines of one action are collected while its
transaction runs and turned into notifications once it commits (like the automation's hook),
in a transaction of their own, so a failure here never undoes the change."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver

from relaydesk.accounts.models import User
from relaydesk.notifications import mentions, services
from relaydesk.notifications.models import Event
from relaydesk.tickets.committed import LineCollector
from relaydesk.tickets.models import EventKind, MessageKind, Ticket, TicketEvent
from relaydesk.tickets.signals import event_recorded

logger = logging.getLogger(__name__)


@dataclass
class Pending:
    ids: list[int] = field(default_factory=list)
    callback: Any = None
    lines: list[TicketEvent] | None = None  # read for an import's batch at once (`_prepare`)


@receiver(event_recorded)
def collect(sender: Any, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    _collector.add(event, ticket)


def _lines(ids: Iterable[int]) -> QuerySet[TicketEvent]:
    return (
        TicketEvent.objects.filter(pk__in=ids)
        .select_related("actor", "message", "ticket__assignee")
        .order_by("id")
    )


def _flush(ticket_id: int, entry: Pending) -> None:
    _collector.release(ticket_id, entry)
    if entry.lines is not None and not _collector.written_since_prepared(ticket_id):
        lines = entry.lines
    else:  # not prepared, or the ticket changed since (its assignee, its followers)
        lines = list(_lines(entry.ids).filter(ticket_id=ticket_id))
    if not lines:
        return
    try:
        created = any(line.kind == EventKind.CREATED for line in lines)
        with transaction.atomic():
            for line in lines:
                if created and line.kind == EventKind.MESSAGE:
                    continue  # a new ticket's first message is no reply
                _notify_line(line)
    except Exception:
        logger.exception("notifications for ticket %s failed", ticket_id)


def _prepare(entries: list[tuple[int, Pending]]) -> None:
    """An import's batch (`committed.prepared_together`): every entry's lines, with their
    tickets' assignees and followers, in one go."""
    wanted = {pk for _ticket_id, entry in entries for pk in entry.ids}
    found = {line.pk: line for line in _lines(wanted).prefetch_related("ticket__followers")}
    for ticket_id, entry in entries:
        mine = sorted(set(entry.ids) & set(found))
        entry.lines = [found[pk] for pk in mine if found[pk].ticket_id == ticket_id]


_collector = LineCollector(Pending, _flush, _prepare)
suspended = _collector.suspended  # no notifications for actions inside (seeding the demo)


def _agent(value: Any) -> User | None:
    agent_id = value.get("id") if isinstance(value, dict) else None
    if not isinstance(agent_id, int):
        return None
    return User.objects.filter(pk=agent_id).first()


def _notify_line(line: TicketEvent) -> None:
    ticket, actor = line.ticket, line.actor
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
