"""Typed constructors for the ticket timeline: one function per kind of history line."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from relaydesk.accounts.models import User
from relaydesk.tickets.models import EventKind, Message, Ticket, TicketEvent, TimeEntry
from relaydesk.tickets.signals import action_recorded, event_recorded

Value = dict[str, Any] | None

_cause: ContextVar[str] = ContextVar("relaydesk_event_cause", default="")
# The lines of the action running now, per ticket: the ticket as last seen and its lines.
Lines = dict[int, tuple[Ticket, list[TicketEvent]]]
_action: ContextVar[Lines | None] = ContextVar("relaydesk_action", default=None)


@contextmanager
def caused_by(label: str) -> Iterator[None]:
    """Lines written inside carry `label` as their note: the history says which rule
    (trigger, time rule, assignment) made the change."""
    token = _cause.set(label)
    try:
        yield
    finally:
        _cause.reset(token)


def action[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """A service action: atomic, and its history lines grouped, so `action_recorded` is sent
    once per ticket when it ends (inside its transaction). An action called inside another
    is part of the outer one."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            if _action.get() is not None:
                return func(*args, **kwargs)
            lines: Lines = {}
            token = _action.set(lines)
            try:
                result = func(*args, **kwargs)
            finally:
                _action.reset(token)
            for ticket, recorded in lines.values():
                action_recorded.send(sender=TicketEvent, ticket=ticket, events=recorded)
            return result

    return wrapper


def value_of(obj: Any) -> Value:
    """How a field's value is kept in history: id (or raw value) plus the label shown then."""
    if obj is None or obj == "":
        return None
    if hasattr(obj, "pk"):
        return {"id": obj.pk, "label": str(obj)}
    return {"id": obj, "label": str(obj)}


def _event(ticket: Ticket, actor: User | None, kind: str, **fields: Any) -> TicketEvent:
    if not fields.get("note") and _cause.get():
        fields["note"] = _cause.get()
    event = TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, **fields)
    event_recorded.send(sender=TicketEvent, event=event, ticket=ticket)
    lines = _action.get()
    if lines is None:
        action_recorded.send(sender=TicketEvent, ticket=ticket, events=[event])
    else:
        recorded = lines.get(ticket.pk, (ticket, []))[1]
        recorded.append(event)
        lines[ticket.pk] = (ticket, recorded)  # the latest instance: the action's final state
    return event


def ticket_created(ticket: Ticket, *, actor: User | None) -> TicketEvent:
    return _event(
        ticket,
        actor,
        EventKind.CREATED,
        after={"channel": ticket.channel, "subject": ticket.subject},
    )


def message_added(ticket: Ticket, *, actor: User | None, message: Message) -> TicketEvent:
    return _event(ticket, actor, EventKind.MESSAGE, field=message.kind, message=message)


def field_changed(
    ticket: Ticket, *, actor: User | None, field: str, before: Value, after: Value
) -> TicketEvent:
    return _event(ticket, actor, EventKind.FIELD, field=field, before=before, after=after)


def tags_changed(
    ticket: Ticket, *, actor: User | None, before: list[str], after: list[str]
) -> TicketEvent:
    return _event(ticket, actor, EventKind.TAGS, field="tags", before=before, after=after)


def transferred(
    ticket: Ticket,
    *,
    actor: User | None,
    before: dict[str, Value],
    after: dict[str, Value],
    note: str,
) -> TicketEvent:
    return _event(ticket, actor, EventKind.TRANSFER, before=before, after=after, note=note)


def time_logged(ticket: Ticket, *, actor: User, entry: TimeEntry) -> TicketEvent:
    return _event(
        ticket,
        actor,
        EventKind.TIME,
        field="time",
        after={"minutes": entry.minutes},
        note=entry.note,
    )


# Lines of merge, split, link and snooze (TK7, TK8): field changes under these field names,
# so every listener that handles a field change (webhooks, triggers) handles them too.
MERGED_INTO = "merged_into"
MERGED_FROM = "merged_from"
SPLIT_TO = "split_to"
SPLIT_FROM = "split_from"
LINKED = "linked"
SNOOZED_UNTIL = "snoozed_until"
CONVERSATION_FIELDS = frozenset({MERGED_INTO, MERGED_FROM, SPLIT_TO, SPLIT_FROM})


def merged_into(ticket: Ticket, *, actor: User | None, target: Ticket) -> TicketEvent:
    """`ticket` was merged into `target`: its messages are on `target` now."""
    return field_changed(
        ticket, actor=actor, field=MERGED_INTO, before=None, after=value_of(target)
    )


def merged_from(ticket: Ticket, *, actor: User | None, source: Ticket) -> TicketEvent:
    """`source` was merged into `ticket`."""
    return field_changed(
        ticket, actor=actor, field=MERGED_FROM, before=None, after=value_of(source)
    )


def split_to(ticket: Ticket, *, actor: User | None, new: Ticket, count: int) -> TicketEvent:
    """`count` messages of `ticket` moved to the new ticket `new`."""
    after = {**(value_of(new) or {}), "messages": count}
    return field_changed(ticket, actor=actor, field=SPLIT_TO, before=None, after=after)


def split_from(ticket: Ticket, *, actor: User | None, original: Ticket) -> TicketEvent:
    """`ticket` was made from messages of `original`."""
    return field_changed(
        ticket, actor=actor, field=SPLIT_FROM, before=None, after=value_of(original)
    )


def link_changed(ticket: Ticket, *, actor: User | None, other: Ticket, linked: bool) -> TicketEvent:
    value = value_of(other)
    return field_changed(
        ticket,
        actor=actor,
        field=LINKED,
        before=None if linked else value,
        after=value if linked else None,
    )


def snooze_changed(ticket: Ticket, *, actor: User | None, before: Any, after: Any) -> TicketEvent:
    """Snoozed, re-snoozed or woken: the instants as ISO 8601 (shown in the viewer's zone)."""

    def kept(moment: Any) -> Value:
        return None if moment is None else {"id": moment.isoformat(), "label": moment.isoformat()}

    return field_changed(
        ticket, actor=actor, field=SNOOZED_UNTIL, before=kept(before), after=kept(after)
    )
