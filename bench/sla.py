"""SLA figures: recomputing the due times of 100,000 open tickets after a calendar change
(target: under a minute) and the extra cost of one ticket event (target: p95 <= 2 ms)."""

from __future__ import annotations

import datetime as dt
import time
from itertools import cycle

from django.db import transaction
from django.db.models import Q

from bench.measure import Figure
from bench.scenarios import Context
from relaydesk.sla import calendars, engine
from relaydesk.sla.models import BusinessRange, Calendar, Holiday, Policy, Target
from relaydesk.tickets.models import Priority, Ticket

RECOMPUTE_TICKETS = 100_000
RECOMPUTE_TARGET_S = 60.0
EVENT_TARGET_MS = 2.0
RUNNING = ("new", "open")  # tickets whose clocks run: the events that cost the most


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
    policy, created = Policy.objects.get_or_create(
        name="Bench", defaults={"position": 0, "calendar": office}
    )
    if created:
        Target.objects.bulk_create(
            Target(
                policy=policy, priority=p, first_response=240, next_response=480, resolution=2400
            )
            for p in Priority.values
        )
    calendars.forget()
    return office


def figures(ctx: Context) -> list[Figure]:
    office = _policy()
    # The open tickets first; the seed has fewer open ones than 100,000, so closed tickets
    # (the same work: history, cycles, records) make up the rest.
    open_tickets = Ticket.objects.filter(status__in=engine.OPEN_STATUSES)
    open_count = open_tickets.count()
    rest = RECOMPUTE_TICKETS - open_count
    boundary = (
        Ticket.objects.exclude(status__in=engine.OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[rest - 1 : rest]
    )
    subset = (
        open_tickets
        if rest <= 0 or not boundary
        else Ticket.objects.filter(Q(status__in=engine.OPEN_STATUSES) | Q(pk__lte=boundary[0]))
    )
    count = engine.recompute_all(subset)  # the first pass: due times where there were none
    Holiday.objects.create(calendar=office, date=dt.date.today() + dt.timedelta(days=1))
    calendars.forget()
    began = time.perf_counter()
    engine.recompute_all(subset)
    seconds = time.perf_counter() - began
    shown = min(open_count, count)
    name = f"SLA recompute of {count:,} tickets ({shown:,} open), calendar change (s)"
    print(f"  {name:<52} {seconds:7.1f} s", flush=True)
    recompute = Figure(name, seconds, seconds, 1, 0, RECOMPUTE_TARGET_S)

    samples = list(open_tickets.filter(status__in=RUNNING).order_by("-pk")[:200])
    priorities = cycle([Priority.HIGH, Priority.NORMAL])

    def one_event(k: int) -> None:
        """What the receiver adds to an event that moves the due times (a priority change):
        inside the action's transaction, so the commit (paid by the action anyway) is not
        counted."""
        ticket = samples[k % len(samples)]
        ticket.priority = next(priorities)
        engine.recompute(ticket)

    with transaction.atomic():
        event = ctx.run("SLA recompute per ticket event (ms)", one_event, EVENT_TARGET_MS)
        transaction.set_rollback(True)
    return [recompute, event]
