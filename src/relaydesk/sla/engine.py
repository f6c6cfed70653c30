"""Recompute a ticket's SLA from its history and store the result (DESIGN rule 4).

Runs inside the transaction of the change that triggered it (the `action_recorded` receiver),
so the stored due times never disagree with the ticket. Only what differs is written
(`sla.storage` reads and writes). Escalation timers for new due times are queued after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from relaydesk.sla import calendars, clock, storage
from relaydesk.sla import timers as timers_module
from relaydesk.sla.models import Kind, Stage
from relaydesk.tickets.models import (
    CustomStatus,
    EventKind,
    MessageKind,
    StatusCategory,
    Ticket,
    TicketEvent,
)

DUE_COLUMNS: dict[str, str] = {
    Kind.FIRST_RESPONSE: "first_response_due_at",
    Kind.NEXT_RESPONSE: "next_response_due_at",
    Kind.RESOLUTION: "resolution_due_at",
}
PUBLIC = (MessageKind.CUSTOMER, MessageKind.REPLY)
_custom_categories: dict[str, str] = {}


def status_category(value: Any) -> str:
    """The category of a status as history keeps it: "pending" or "custom:<id>"."""
    key = str((value or {}).get("id", "")) if isinstance(value, dict) else ""
    if not key.startswith("custom:"):
        return key
    if key not in _custom_categories:
        _custom_categories.update(
            (f"custom:{pk}", category)
            for pk, category in CustomStatus.objects.values_list("pk", "category")
        )
    return _custom_categories.get(key, StatusCategory.OPEN)


def history_of(ticket: Ticket, rows: list[storage.EventRow]) -> clock.History:
    """The clock's history from (instant, kind, field, before, after) rows of its lines; a
    message counts from the instant it was written (its line follows a moment later)."""
    statuses: list[tuple[dt.datetime, str]] = []
    messages: list[tuple[dt.datetime, str]] = []
    assignees: list[tuple[dt.datetime, int | None]] = []
    for at, kind, field, before, after in rows:
        if kind == EventKind.FIELD and field == "status":
            if not statuses:
                statuses.append((ticket.created_at, status_category(before)))
            statuses.append((at, status_category(after)))
        elif kind == EventKind.MESSAGE and field in PUBLIC:
            messages.append((at, field))
        elif kind == EventKind.CREATED:
            messages.append((at, MessageKind.CUSTOMER))
        elif (kind == EventKind.FIELD and field == "assignee") or kind == EventKind.TRANSFER:
            if kind == EventKind.TRANSFER:  # {"department": …, "assignee": …} before and after
                before, after = (before or {}).get("assignee"), (after or {}).get("assignee")
            if not assignees:
                assignees.append((ticket.created_at, _id(before)))
            assignees.append((at, _id(after)))
    if not statuses:
        statuses.append((ticket.created_at, ticket.status))
    if not assignees:
        assignees.append((ticket.created_at, ticket.assignee_id))
    return clock.History(ticket.created_at, statuses, messages, assignees)


def _id(value: Any) -> int | None:
    """The id in a history value ({"id": 7, "label": …}), None for none."""
    key = value.get("id") if isinstance(value, dict) else None
    return key if isinstance(key, int) else None


# A ticket with the policy that applies, its cycles, and the history they come from.
Item = tuple[Ticket, "calendars.Rules | None", list[clock.Cycle], clock.History]


def evaluate(
    ticket: Ticket, history: clock.History, tags: frozenset[int], now: dt.datetime
) -> Item:
    if ticket.merged_into_id is not None:
        return ticket, None, [], history
    rules = calendars.match(ticket, tags)
    if rules is None:
        return ticket, None, [], history
    cycles = clock.cycles(
        history,
        business=rules.hours,
        targets=rules.targets.get(ticket.priority, {}),
        pause_statuses=rules.pause_statuses,
        risk_percent=rules.risk_percent,
        now=now,
    )
    return ticket, rules, cycles, history


def recompute(ticket: Ticket, *, now: dt.datetime | None = None, timer_ran: bool = False) -> None:
    """Store the due times, clock state and cycle records of one ticket: one statement reads,
    one round trip writes what differs (nothing when nothing does)."""
    recompute_many([ticket], now=now, timer_ran=timer_ran)


def recompute_many(
    tickets: list[Ticket],
    *,
    now: dt.datetime | None = None,
    timer_ran: bool = False,
    opened: Mapping[int, Sequence[TicketEvent]] | None = None,
) -> None:
    """The same for a batch (after a calendar or policy change), with as many statements.
    `timer_ran`: the tickets' timers fired stages just now, so they need the next one even if
    the records already show that stage (the timer before is the one that ran). `opened`: the
    lines of tickets the running action created, which are all they have (no SLA is stored for
    them yet): nothing is read for those, unless a policy matches on tags."""
    now = now or timezone.now()
    stored = storage.read_or_know([t.pk for t in tickets], opened or {}, tags=calendars.uses_tags())
    changes = storage.Changes()
    timers: list[tuple[int, dt.datetime]] = []
    for ticket in tickets:
        history = history_of(ticket, stored.events[ticket.pk])
        item = evaluate(ticket, history, stored.tags[ticket.pk], now)
        timer = _compare(item, stored, changes, now=now)
        before = None if timer_ran else next_timer(stored.records.get(ticket.pk, []))
        if timer is not None and timer != before:
            timers.append((ticket.pk, timer))
    storage.write(changes)
    if timers:
        transaction.on_commit(lambda: timers_module.schedule(timers))


def _compare(
    item: Item, stored: storage.Stored, changes: storage.Changes, *, now: dt.datetime
) -> dt.datetime | None:
    """Add to `changes` what differs between this ticket's stored SLA and its new one; the
    ticket's next escalation instant."""
    ticket, rules, cycles, _history = item
    open_records = _compare_records(item, stored.records.get(ticket.pk, []), changes, now=now)
    open_cycles = [c for c in cycles if c.met_at is None]
    dues = {DUE_COLUMNS[c.kind]: c.due_at for c in open_cycles}
    columns = {column: dues.get(column) for column in storage.DUE_COLUMNS}
    if any(getattr(ticket, name) != value for name, value in columns.items()):
        for name, value in columns.items():
            setattr(ticket, name, value)
        changes.dues.append((ticket.pk, tuple(columns.values())))
    running = [c for c in open_cycles if c.due_at is not None]
    first = min(running, key=lambda c: c.due_at or now, default=None)
    timer = next_timer(open_records)
    state: storage.State = (
        rules.policy_id if rules else None,
        ticket.status not in clock.ALWAYS_STOPPED and any(c.due_at is None for c in open_cycles),
        first.due_at if first else None,
        min((c.risk_at for c in running if c.risk_at), default=None),
        first.kind if first else "",
        timer,
    )
    if stored.states.get(ticket.pk) != state:
        changes.states.append((ticket.pk, state))
    return timer


def next_timer(records: Sequence[storage.RecordRow]) -> dt.datetime | None:
    """The next instant an open cycle of these must escalate: its at-risk instant until that
    fired, then its due time until the breach fired. It may be past: the timer runs at once."""
    instants = []
    for record in records:
        if record.met_at is not None or record.due_at is None:
            continue
        if not record.escalated and record.risk_at and record.risk_at < record.due_at:
            instants.append(record.risk_at)
        elif record.escalated != Stage.BREACHED:
            instants.append(record.due_at)
    return min(instants, default=None)


def _compare_records(
    item: Item, stored: list[storage.RecordRow], changes: storage.Changes, *, now: dt.datetime
) -> list[storage.RecordRow]:
    """Add the ticket's cycle records that differ to `changes`; its open ones."""
    ticket, rules, cycles, history = item
    existing = {(r.kind, r.started_at): r for r in stored}
    open_records: list[storage.RecordRow] = []
    for cycle in cycles:
        record = existing.pop((cycle.kind, cycle.started_at), None)
        breached = record.breached_at if record else None
        if breached is None and cycle.due_at and (cycle.met_at or now) > cycle.due_at:
            breached = cycle.due_at
        decided = breached or cycle.met_at
        values: dict[str, Any] = {
            "policy_id": rules.policy_id if rules else None,
            # who had the ticket when the target was breached or met (SL4)
            "agent_id": history.assignee_at(decided) if decided else None,
            "due_at": cycle.due_at,
            "risk_at": cycle.risk_at,
            "met_at": cycle.met_at,
            "breached_at": breached,
        }
        if record is None:
            record = storage.RecordRow(
                pk=None, ticket_id=ticket.pk, kind=cycle.kind, started_at=cycle.started_at, **values
            )
            changes.new_records.append(record)
        elif any(getattr(record, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(record, k, v)
            changes.changed_records.append(record)
        if cycle.met_at is None:
            open_records.append(record)
    # Cycles that no longer exist (the target was removed): keep only their breaches.
    changes.gone_records += [r.pk for r in existing.values() if r.pk and r.breached_at is None]
    return open_records


OPEN_STATUSES = [s for s in StatusCategory.values if s not in clock.ALWAYS_STOPPED]


def recompute_all(tickets: QuerySet[Ticket], *, batch: int = 2000) -> int:
    """Recompute these tickets a batch per transaction, in id order; how many were done.
    Each batch's rows are locked first: an action committing meanwhile would otherwise have
    its fresh due times overwritten by ones computed from the history before it."""
    done = 0
    last = 0
    locked = tickets.select_for_update(of=("self",))
    while True:
        with transaction.atomic():
            chunk = list(locked.filter(pk__gt=last).order_by("pk")[:batch])
            if not chunk:
                return done
            recompute_many(chunk)
        done += len(chunk)
        last = chunk[-1].pk


def recompute_open(*, batch: int = 2000) -> int:
    """Every open ticket (after a calendar or policy change)."""
    return recompute_all(Ticket.objects.filter(status__in=OPEN_STATUSES), batch=batch)
