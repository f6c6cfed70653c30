"""SLA figures: recomputing the due times of 100,000 open tickets after a calendar change
(target: under a minute) and the extra cost of one ticket event (target: p95 <= 2 ms)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from bench import database
from bench.measure import Figure, Statements
from bench.scenarios import Context
from relaydesk.sla import calendars, engine
from relaydesk.sla.models import BusinessRange, Calendar, Holiday, Policy, Target
from relaydesk.sla.timers import sla_timer
from relaydesk.tickets.models import EventKind, MessageKind, Priority, Ticket, TicketEvent

RECOMPUTE_TICKETS = 100_000
RECOMPUTE_TARGET_S = 60.0
EVENT_TARGET_MS = 2.0
RUNNING = ("new", "open")  # tickets whose clocks run: the events that cost the most
# Business minutes (first response, next response, resolution) per priority: a priority
# change moves every running due time.
TARGETS = {
    Priority.LOW: (480, 960, 4800),
    Priority.NORMAL: (240, 480, 2400),
    Priority.HIGH: (120, 240, 1200),
    Priority.URGENT: (60, 120, 600),
}


def _policy() -> Calendar:
    """The bench's business-hours calendar (Warsaw, Polish holidays) under a policy for all;
    kept between runs (so the first pass has little to change), without custom holidays."""
    office, created = Calendar.objects.get_or_create(
        name="Bench office", defaults={"time_zone": "Europe/Warsaw", "country": "PL"}
    )
    if created:
        BusinessRange.objects.bulk_create(
            BusinessRange(calendar=office, weekday=d, start=dt.time(8), end=dt.time(17))
            for d in range(5)
        )
    office.holidays.all().delete()
    policy, _ = Policy.objects.get_or_create(
        name="Bench", defaults={"position": 0, "calendar": office}
    )
    for priority, (first, following, resolution) in TARGETS.items():
        Target.objects.update_or_create(
            policy=policy,
            priority=priority,
            defaults={
                "first_response": first,
                "next_response": following,
                "resolution": resolution,
            },
        )
    calendars.forget()
    return office


def figures(ctx: Context) -> list[Figure]:
    office = _policy()
    recompute = _recompute_figure(office)
    database.vacuum()  # the 100,000 tickets it rewrote, as autovacuum would in production
    return [recompute, _event_figure(ctx)]


def _reopen(count: int) -> dict[str, list[int]]:
    """Make `count` tickets open (the seed has fewer): the oldest closed ones, whose history
    is their creation, so their clocks run from then. Their statuses, to put back."""
    open_count = Ticket.objects.filter(status__in=engine.OPEN_STATUSES).count()
    reopened: dict[str, list[int]] = defaultdict(list)
    rows = (
        Ticket.objects.exclude(status__in=engine.OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", "status")[: max(count - open_count, 0)]
    )
    for pk, status in rows:
        reopened[status].append(pk)
    for ids in reopened.values():
        for start in range(0, len(ids), 10_000):
            Ticket.objects.filter(pk__in=ids[start : start + 10_000]).update(status="open")
    return reopened


def _close_again(reopened: dict[str, list[int]]) -> None:
    """Put the statuses back, the SLA rows with them; drop the bench's escalation timers."""
    for status, ids in reopened.items():
        for start in range(0, len(ids), 10_000):
            Ticket.objects.filter(pk__in=ids[start : start + 10_000]).update(status=status)
    last = max((max(ids) for ids in reopened.values()), default=0)
    engine.recompute_all(
        Ticket.objects.filter(pk__lte=last).exclude(status__in=engine.OPEN_STATUSES)
    )
    DBTaskResult.objects.filter(task_path=sla_timer.module_path).delete()


def _recompute_figure(office: Calendar) -> Figure:
    """`recompute_open`, the task a calendar change queues, over 100,000 open tickets: each
    batch's history, cycles, records, writes and escalation timers, committed."""
    reopened = _reopen(RECOMPUTE_TICKETS)
    try:
        count = engine.recompute_open()  # the first pass: due times where there were none
        Holiday.objects.create(calendar=office, date=dt.date.today() + dt.timedelta(days=1))
        calendars.forget()
        began, cpu = time.perf_counter(), time.process_time()
        with Statements() as counted:
            engine.recompute_open()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        statements = counted.n
    finally:
        _close_again(reopened)
    name = f"SLA recompute of {count:,} open tickets, calendar change (s)"
    print(f"  {name:<52} {seconds:7.1f} s  (CPU {cpu:.1f} s, {statements} SQL)", flush=True)
    return Figure(name, seconds, seconds, 1, statements, RECOMPUTE_TARGET_S)


def _history(tickets: list[Ticket]) -> None:
    """Give each ticket the history of a real conversation: an agent's reply and a wait for
    the customer, their answer, an assignment (three cycles, one pause)."""
    lines = []
    for ticket in tickets:
        at = ticket.created_at
        status = {"id": ticket.status, "label": ticket.status}
        pending, opened = {"id": "pending", "label": "pending"}, {"id": "open", "label": "open"}
        for minutes, kind, field, before, after in (
            (30, EventKind.FIELD, "assignee", None, {"id": ticket.assignee_id, "label": "a"}),
            (60, EventKind.MESSAGE, MessageKind.REPLY, None, None),
            (60, EventKind.FIELD, "status", status, pending),
            (180, EventKind.MESSAGE, MessageKind.CUSTOMER, None, None),
            (180, EventKind.FIELD, "status", pending, opened),
        ):
            lines.append(
                TicketEvent(
                    ticket=ticket,
                    kind=kind,
                    field=field,
                    before=before,
                    after=after,
                    created_at=at + dt.timedelta(minutes=minutes),
                )
            )
    TicketEvent.objects.bulk_create(lines)


def _event_figure(ctx: Context) -> Figure:
    """What the receiver adds to an event that moves the due times (a priority change), on
    tickets with a conversation behind them: inside the action's transaction, so the commit
    (paid by the action anyway) is not counted; rolled back after."""
    samples = list(
        Ticket.objects.filter(status__in=RUNNING).order_by("-pk")[: ctx.warmup + ctx.samples + 1]
    )
    cpu: list[float] = []

    def one_event(k: int) -> None:
        ticket = samples[k % len(samples)]
        ticket.priority = ticket.priority % len(TARGETS) + 1  # another target: all dues move
        began = time.process_time()
        engine.recompute(ticket)
        cpu.append((time.process_time() - began) * 1000)

    with transaction.atomic():
        _history(samples)
        engine.recompute_many(samples)
        event = ctx.run("SLA recompute per ticket event (ms)", one_event, EVENT_TARGET_MS)
        transaction.set_rollback(True)
    cpu_p95 = sorted(cpu[ctx.warmup : ctx.warmup + ctx.samples])[int(ctx.samples * 0.95) - 1]
    print(f"  {'':<52} CPU p95 {cpu_p95:5.2f} ms, {event.queries} SQL", flush=True)
    return event
