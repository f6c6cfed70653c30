"""SLA figures: recomputing the due times of 100,000 open tickets after a calendar change
(target: under a minute) and the extra cost of one ticket event (target: p95 <= 2 ms)."""

from __future__ import annotations

import datetime as dt
import time
from itertools import cycle

from django.db import transaction

from bench.measure import Figure
from bench.scenarios import Context
from relaydesk.sla import calendars, engine
from relaydesk.sla.models import BusinessRange, Calendar, Holiday, Policy, Target
from relaydesk.tickets.models import Priority, Ticket

RECOMPUTE_TICKETS = 100_000
RECOMPUTE_TARGET_S = 60.0
EVENT_TARGET_MS = 2.0


def _policy() -> Calendar:
    """The bench's business-hours calendar (Warsaw, Polish holidays) under a policy for all."""
    Policy.objects.filter(name="Bench").delete()
    Calendar.objects.filter(name="Bench office").delete()
    office = Calendar.objects.create(name="Bench office", time_zone="Europe/Warsaw", country="PL")
    BusinessRange.objects.bulk_create(
        BusinessRange(calendar=office, weekday=d, start=dt.time(8), end=dt.time(17))
        for d in range(5)
    )
    policy = Policy.objects.create(name="Bench", position=0, calendar=office)
    Target.objects.bulk_create(
        Target(policy=policy, priority=p, first_response=240, next_response=480, resolution=2400)
        for p in Priority.values
    )
    calendars.forget()
    return office


def figures(ctx: Context) -> list[Figure]:
    office = _policy()
    open_tickets = Ticket.objects.filter(status__in=engine.OPEN_STATUSES)
    last = open_tickets.order_by("pk").values_list("pk", flat=True)[
        RECOMPUTE_TICKETS - 1 : RECOMPUTE_TICKETS
    ]
    subset = open_tickets.filter(pk__lte=last[0]) if last else open_tickets
    count = engine.recompute_all(subset)  # the first pass: due times where there were none
    Holiday.objects.create(calendar=office, date=dt.date.today() + dt.timedelta(days=1))
    calendars.forget()
    began = time.perf_counter()
    engine.recompute_all(subset)
    seconds = time.perf_counter() - began
    name = f"SLA recompute of {count:,} open tickets after a calendar change (s)"
    print(f"  {name:<52} {seconds:7.1f} s", flush=True)
    recompute = Figure(name, seconds, seconds, 1, 0, RECOMPUTE_TARGET_S)

    sample_ids = list(subset.order_by("-pk").values_list("pk", flat=True)[:200])
    priorities = cycle([Priority.HIGH, Priority.NORMAL])

    def one_event(k: int) -> None:
        """What the receiver does for one event that changes the due times (a priority
        change), in its own transaction as a service action would be."""
        ticket = Ticket.objects.get(pk=sample_ids[k % len(sample_ids)])
        ticket.priority = next(priorities)
        with transaction.atomic():
            engine.recompute(ticket)

    event = ctx.run("SLA recompute per ticket event (ms)", one_event, EVENT_TARGET_MS)
    return [recompute, event]
