"""Typed constructors for the ticket timeline: one function per kind of history line."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from relaydesk.accounts.models import User
from relaydesk.tickets.models import (
    Attachment,
    EventKind,
    Message,
    Ticket,
    TicketEvent,
    TimeEntry,
)
from relaydesk.tickets.signals import action_recorded, event_recorded

Value = dict[str, Any] | None

_cause: ContextVar[str] = ContextVar("relaydesk_event_cause", default="")


@dataclass
class _Action:
    """The action running now: per ticket, the ticket as last seen and its lines; and what
    listeners keep for its length (`once_per_action`)."""

    lines: dict[int, tuple[Ticket, list[TicketEvent]]] = field(default_factory=dict)
    kept: dict[str, Any] = field(default_factory=dict)


_action: ContextVar[_Action | None] = ContextVar("relaydesk_action", default=None)
_savepoints: ContextVar[bool] = ContextVar("relaydesk_action_savepoints", default=True)


@contextmanager
def without_savepoints() -> Iterator[None]:
    """Actions inside open no savepoint of their own: for a caller that rolls its whole
    transaction back when any of them fails (an import's batch run without a savepoint per
    mail), where each action's savepoint would only cost two round trips."""
    token = _savepoints.set(False)
    try:
        yield
    finally:
        _savepoints.reset(token)


def savepoints_needed() -> bool:
    """False inside `without_savepoints`: a failure anywhere rolls the whole transaction back."""
    return _savepoints.get()


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
    once when it ends (inside its transaction) with every ticket it changed. An action called
    inside another is part of the outer one."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(savepoint=_savepoints.get()):
            if _action.get() is not None:
                return func(*args, **kwargs)
            running = _Action()
            token = _action.set(running)
            try:
                result = func(*args, **kwargs)
            finally:
                _action.reset(token)
            if running.lines:
                action_recorded.send(sender=TicketEvent, actions=list(running.lines.values()))
            return result

    return wrapper


def once_per_action[T](key: str, load: Callable[[], T]) -> T:
    """`load()`, kept for the rest of the running action (a listener's look-up that one line
    after another would repeat); outside an action, every time."""
    running = _action.get()
    if running is None:
        return load()
    if key not in running.kept:
        running.kept[key] = load()
    return running.kept[key]


def previous_line(event: TicketEvent, ticket: Ticket) -> TicketEvent | None:
    """The line written on the ticket just before this one: from the running action when it
    wrote it, else read."""
    running = _action.get()
    recorded = running.lines.get(ticket.pk, (ticket, []))[1] if running else []
    earlier = [line for line in recorded if line.pk < event.pk]
    if earlier:
        return earlier[-1]
    return TicketEvent.objects.filter(ticket=ticket, pk__lt=event.pk).order_by("-pk").first()


def value_of(obj: Any) -> Value:
    """How a field's value is kept in history: id (or raw value) plus the label shown then."""
    if obj is None or obj == "":
        return None
    if hasattr(obj, "pk"):
        return {"id": obj.pk, "label": str(obj)}
    return {"id": obj, "label": str(obj)}


def _event(
    ticket: Ticket,
    actor: User | None,
    kind: str,
    heard: dict[str, Any] | None = None,
    **fields: Any,
) -> TicketEvent:
    if not fields.get("note") and _cause.get():
        fields["note"] = _cause.get()
    event = TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, **fields)
    _heard(event, ticket, **(heard or {}))
    return event


def _heard(event: TicketEvent, ticket: Ticket, **extra: Any) -> None:
    """Tell the listeners of a line just written (`extra`: what they may use besides)."""
    event_recorded.send(sender=TicketEvent, event=event, ticket=ticket, **extra)
    running = _action.get()
    if running is None:
        action_recorded.send(sender=TicketEvent, actions=[(ticket, [event])])
    else:
        recorded = running.lines.get(ticket.pk, (ticket, []))[1]
        recorded.append(event)
        # the latest instance: the action's final state
        running.lines[ticket.pk] = (ticket, recorded)


def fields_changed(
    changes: Sequence[tuple[Ticket, str, Value, Value]], *, actor: User | None
) -> list[TicketEvent]:
    """Field changes (ticket, field, before, after) of many tickets at once (the assignment's
    drain): one INSERT for every line, then each heard in order, as if written alone."""
    note = _cause.get()
    lines = TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket=ticket,
            actor=actor,
            kind=EventKind.FIELD,
            field=name,
            before=before,
            after=after,
            note=note,
        )
        for ticket, name, before, after in changes
    )
    for line, (ticket, *_change) in zip(lines, changes, strict=True):
        _heard(line, ticket)
    return lines


def ticket_created(
    ticket: Ticket,
    *,
    actor: User | None,
    message: Message | None = None,
    attachments: Sequence[Attachment] = (),
) -> TicketEvent:
    """`message`: the new ticket's only message, with its `attachments`, as just written; the
    listeners hear them as `first_message` and `first_attachments` (the search document is
    made from them rather than read back)."""
    return tickets_created([(ticket, actor, message, attachments)])[0]


def tickets_created(
    created: Sequence[tuple[Ticket, User | None, Message | None, Sequence[Attachment]]],
    *,
    then: Callable[[Ticket], None] | None = None,
) -> list[TicketEvent]:
    """`ticket_created` for many new tickets (ticket, actor, first message, its attachments):
    one INSERT for every line, then each heard in order, as if written alone; `then(ticket)`
    after each (what the action does next for that ticket alone)."""
    note = _cause.get()
    lines = TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket=ticket,
            actor=actor,
            kind=EventKind.CREATED,
            after={"channel": ticket.channel, "subject": ticket.subject},
            note=note,
        )
        for ticket, actor, _message, _attachments in created
    )
    for line, (ticket, _actor, message, attachments) in zip(lines, created, strict=True):
        if message is None:
            _heard(line, ticket)
        else:
            _heard(line, ticket, first_message=message, first_attachments=attachments)
        if then is not None:
            then(ticket)
    return lines


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

    return field_changed(
        ticket, actor=actor, field=SNOOZED_UNTIL, before=instant(before), after=instant(after)
    )


def instant(moment: Any) -> Value:
    """An instant as history keeps it: ISO 8601 (shown in the viewer's zone)."""
    return None if moment is None else {"id": moment.isoformat(), "label": moment.isoformat()}
