"""Recompute a ticket's SLA from its history and store the result (DESIGN rule 4).

Runs inside the transaction of the change that triggered it (the `event_recorded` receiver), so
the stored due times never disagree with the ticket. Escalation timers for new due times are
queued after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from relaydesk.sla import calendars, clock
from relaydesk.sla import timers as timers_module
from relaydesk.sla.models import Kind, Record, Stage, TicketSla
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


# A message counts from the instant it was written (its event follows a moment later).
EVENT_COLUMNS = (
    Coalesce("message__created_at", "created_at"),
    "kind",
    "field",
    "before",
    "after",
)


def history_of(ticket: Ticket, rows: list[tuple[Any, ...]]) -> clock.History:
    """The clock's history from (created_at, kind, field, before, after) event rows."""
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


def load_history(ticket: Ticket) -> clock.History:
    rows = list(
        TicketEvent.objects.filter(ticket_id=ticket.pk)
        .order_by("created_at", "id")
        .values_list(*EVENT_COLUMNS)
    )
    return history_of(ticket, rows)


def tag_ids(ticket: Ticket) -> frozenset[int]:
    if not calendars.uses_tags():
        return frozenset()
    return frozenset(ticket.tags.values_list("pk", flat=True))


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


def recompute(
    ticket: Ticket,
    *,
    now: dt.datetime | None = None,
    fresh: bool = False,
    timer_ran: bool = False,
) -> None:
    """Store the due times, clock state and cycle records of one ticket. `fresh`: the ticket was
    created in this transaction, so it has no stored state or records to read first."""
    now = now or timezone.now()
    item = evaluate(ticket, load_history(ticket), tag_ids(ticket), now)
    store([item], now=now, fresh=fresh, timer_ran=timer_ran)


def recompute_many(tickets: list[Ticket], *, now: dt.datetime | None = None) -> None:
    """The same for a batch, in a handful of queries (after a calendar or policy change)."""
    now = now or timezone.now()
    ids = [t.pk for t in tickets]
    rows: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in ids}
    for ticket_id, *row in (
        TicketEvent.objects.filter(ticket_id__in=ids)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", *EVENT_COLUMNS)
    ):
        rows[ticket_id].append(tuple(row))
    tags: dict[int, set[int]] = {pk: set() for pk in ids}
    for ticket_id, tag_id in Ticket.tags.through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "tag_id"
    ):
        tags[ticket_id].add(tag_id)
    store(
        [evaluate(t, history_of(t, rows[t.pk]), frozenset(tags[t.pk]), now) for t in tickets],
        now=now,
    )


def store(
    items: list[Item], *, now: dt.datetime, fresh: bool = False, timer_ran: bool = False
) -> None:
    """`timer_ran`: the ticket's timer fired stages just now, so it needs the next one even if
    the records already show that stage (the timer before is the one that ran)."""
    open_records, timers_before = _store_records(items, now=now, fresh=fresh)
    if timer_ran:
        timers_before = {}
    changed: list[Ticket] = []
    states: list[TicketSla] = []
    timers: list[tuple[int, dt.datetime]] = []
    for ticket, rules, cycles, _history in items:
        open_cycles = [c for c in cycles if c.met_at is None]
        dues = {DUE_COLUMNS[c.kind]: c.due_at for c in open_cycles}
        columns = {column: dues.get(column) for column in DUE_COLUMNS.values()}
        if any(getattr(ticket, name) != value for name, value in columns.items()):
            for name, value in columns.items():
                setattr(ticket, name, value)
            changed.append(ticket)
        running = [c for c in open_cycles if c.due_at is not None]
        first = min(running, key=lambda c: c.due_at or now, default=None)
        timer = next_timer(open_records.get(ticket.pk, []))
        if timer is not None and timer != timers_before.get(ticket.pk):
            timers.append((ticket.pk, timer))
        states.append(
            TicketSla(
                ticket_id=ticket.pk,
                policy_id=rules.policy_id if rules else None,
                paused=ticket.status not in clock.ALWAYS_STOPPED
                and any(c.due_at is None for c in open_cycles),
                due_at=first.due_at if first else None,
                risk_at=min((c.risk_at for c in running if c.risk_at), default=None),
                due_kind=first.kind if first else "",
                timer_at=timer,
            )
        )
    if len(changed) == 1:  # one ticket's change: a plain UPDATE is far cheaper to build
        Ticket.objects.filter(pk=changed[0].pk).update(
            **{name: getattr(changed[0], name) for name in DUE_COLUMNS.values()}
        )
    elif changed:
        Ticket.objects.bulk_update(changed, list(DUE_COLUMNS.values()), batch_size=BULK_BATCH)
    _store_states(states, fresh=fresh)
    if timers:
        transaction.on_commit(lambda: timers_module.schedule(timers))


STATE_VALUES = ("policy_id", "paused", "due_at", "risk_at", "due_kind", "timer_at")


def _store_states(states: list[TicketSla], *, fresh: bool) -> None:
    if fresh:  # new tickets: nothing to conflict with
        TicketSla.objects.bulk_create(states)
    elif len(states) == 1:  # one ticket's change: a plain UPDATE is far cheaper to build
        state = states[0]
        values = {name: getattr(state, name) for name in STATE_VALUES}
        if not TicketSla.objects.filter(ticket_id=state.ticket_id).update(**values):
            TicketSla.objects.bulk_create(states)
    else:
        TicketSla.objects.bulk_create(
            states,
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=[name.removesuffix("_id") for name in STATE_VALUES],
        )


def next_timer(records: list[Record]) -> dt.datetime | None:
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


# bulk_update writes CASE WHEN … per column: its cost grows with the batch squared.
BULK_BATCH = 100
RECORD_VALUES = ("policy_id", "agent_id", "due_at", "risk_at", "met_at", "breached_at")


def _store_records(
    items: list[Item], *, now: dt.datetime, fresh: bool = False
) -> tuple[dict[int, list[Record]], dict[int, dt.datetime | None]]:
    """Write the cycle records; the open ones of each ticket, and each ticket's timer as the
    records were before (what the last recompute stored in `TicketSla.timer_at`)."""
    existing = {
        (r.ticket_id, r.kind, r.started_at): r
        for r in (
            Record.objects.none()
            if fresh
            else Record.objects.filter(ticket_id__in=[item[0].pk for item in items])
        )
    }
    before: dict[int, list[Record]] = {}
    for row in existing.values():
        before.setdefault(row.ticket_id, []).append(row)
    timers_before = {ticket_id: next_timer(records) for ticket_id, records in before.items()}
    new: list[Record] = []
    updated: list[Record] = []
    open_records: dict[int, list[Record]] = {}
    for ticket, rules, cycles, history in items:
        for cycle in cycles:
            record = existing.pop((ticket.pk, cycle.kind, cycle.started_at), None)
            breached = record.breached_at if record else None
            if breached is None and cycle.due_at and (cycle.met_at or now) > cycle.due_at:
                breached = cycle.due_at
            decided = breached or cycle.met_at
            values = {
                "policy_id": rules.policy_id if rules else None,
                # who had the ticket when the target was breached or met (SL4)
                "agent_id": history.assignee_at(decided) if decided else None,
                "due_at": cycle.due_at,
                "risk_at": cycle.risk_at,
                "met_at": cycle.met_at,
                "breached_at": breached,
            }
            if record is None:
                record = Record(
                    ticket_id=ticket.pk, kind=cycle.kind, started_at=cycle.started_at, **values
                )
                new.append(record)
            elif any(getattr(record, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(record, k, v)
                updated.append(record)
            if cycle.met_at is None:
                open_records.setdefault(ticket.pk, []).append(record)
    if new:
        Record.objects.bulk_create(new)
    if len(updated) <= 2:
        for record in updated:
            Record.objects.filter(pk=record.pk).update(
                **{name: getattr(record, name) for name in RECORD_VALUES}
            )
    else:
        Record.objects.bulk_update(
            updated, ["policy", "agent", *RECORD_VALUES[2:]], batch_size=BULK_BATCH
        )
    # Cycles that no longer exist (the target was removed): keep only their breaches.
    gone = [r.pk for r in existing.values() if r.breached_at is None]
    if gone:
        Record.objects.filter(pk__in=gone).delete()
    return open_records, timers_before


OPEN_STATUSES = [s for s in StatusCategory.values if s not in clock.ALWAYS_STOPPED]


def recompute_all(tickets: QuerySet[Ticket], *, batch: int = 2000) -> int:
    """Recompute these tickets a batch per transaction, in id order; how many were done."""
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            chunk = list(tickets.filter(pk__gt=last).order_by("pk")[:batch])
            if not chunk:
                return done
            recompute_many(chunk)
        done += len(chunk)
        last = chunk[-1].pk


def recompute_open(*, batch: int = 2000) -> int:
    """Every open ticket (after a calendar or policy change)."""
    return recompute_all(Ticket.objects.filter(status__in=OPEN_STATUSES), batch=batch)
