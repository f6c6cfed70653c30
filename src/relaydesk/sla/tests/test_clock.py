"""The clock of one ticket from its history: cycles, pauses and resumptions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from relaydesk.sla import clock, hours
from relaydesk.sla.models import Kind

WARSAW = ZoneInfo("Europe/Warsaw")
H = dt.timedelta(hours=1)
OFFICE = hours.BusinessHours(WARSAW, [hours.Range(d, dt.time(9), dt.time(17)) for d in range(5)])
TARGETS = {Kind.FIRST_RESPONSE: 2 * H, Kind.NEXT_RESPONSE: 1 * H, Kind.RESOLUTION: 8 * H}


def w(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """June 2026 in Warsaw: the 1st is a Monday."""
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=WARSAW)


def run(statuses, messages, now, targets=TARGETS) -> dict[str, clock.Cycle]:
    history = clock.History(w(1, 10), statuses, messages)
    cycles = clock.cycles(
        history,
        business=OFFICE,
        targets=targets,
        pause_statuses={"pending"},
        risk_percent=80,
        now=now,
    )
    return {c.kind: c for c in cycles}  # the last cycle of each kind


def test_a_new_ticket_is_due_in_business_time_with_its_at_risk_instant():
    cycles = run([(w(1, 10), "new")], [(w(1, 10), "customer")], now=w(1, 10))
    first = cycles[Kind.FIRST_RESPONSE]
    assert (first.due_at, first.risk_at, first.remaining) == (w(1, 12), w(1, 11, 36), 2 * H)
    assert cycles[Kind.RESOLUTION].due_at == w(2, 10)


def test_a_public_reply_meets_the_first_response_and_starts_nothing_until_the_customer_writes():
    cycles = run(
        [(w(1, 10), "new"), (w(1, 11), "open")],
        [(w(1, 10), "customer"), (w(1, 11), "reply")],
        now=w(1, 12),
    )
    assert cycles[Kind.FIRST_RESPONSE].met_at == w(1, 11)
    assert Kind.NEXT_RESPONSE not in cycles


def test_each_customer_message_after_a_reply_starts_a_next_response_cycle():
    cycles = run(
        [(w(1, 10), "open")],
        [
            (w(1, 10), "customer"),
            (w(1, 11), "reply"),
            (w(1, 16, 30), "customer"),
            (w(1, 16, 45), "customer"),
        ],
        now=w(1, 17),
    )
    nxt = cycles[Kind.NEXT_RESPONSE]
    assert (nxt.started_at, nxt.due_at, nxt.met_at) == (w(1, 16, 30), w(2, 9, 30), None)


def test_pending_stops_the_clock_and_a_customer_reply_resumes_it_with_the_time_left():
    statuses = [(w(1, 10), "open"), (w(1, 11), "pending")]
    messages = [(w(1, 10), "customer"), (w(1, 11), "reply")]
    paused = run(statuses, messages, now=w(3, 10))[Kind.RESOLUTION]
    assert paused.due_at is None
    assert paused.remaining == 7 * H
    resumed = run(
        [*statuses, (w(3, 10), "open")], [*messages, (w(3, 10), "customer")], now=w(3, 10)
    )
    assert resumed[Kind.RESOLUTION].due_at == w(3, 17)
    assert resumed[Kind.NEXT_RESPONSE].due_at == w(3, 11)


def test_a_pause_that_spans_closing_time_only_adds_the_business_time_it_covered():
    statuses = [(w(1, 10), "open"), (w(1, 16), "pending"), (w(2, 10), "open")]
    cycles = run(statuses, [(w(1, 10), "customer")], now=w(2, 10))
    # 6 h ran on Monday, 1 h of Tuesday was paused: 2 h left from 10:00.
    assert cycles[Kind.RESOLUTION].due_at == w(2, 12)


def test_solving_meets_the_resolution_and_pauses_after_it_do_not_count():
    statuses = [(w(1, 10), "open"), (w(1, 15), "solved"), (w(2, 9), "closed")]
    cycles = run(statuses, [(w(1, 10), "customer"), (w(1, 15), "reply")], now=w(5, 9))
    resolution = cycles[Kind.RESOLUTION]
    assert (resolution.met_at, resolution.due_at) == (w(1, 15), w(2, 10))


def test_a_reopened_ticket_continues_its_resolution_clock():
    statuses = [(w(1, 10), "open"), (w(1, 15), "solved"), (w(2, 9), "open")]
    cycles = run(statuses, [(w(1, 10), "customer"), (w(2, 9), "customer")], now=w(2, 9))
    # 5 h ran before the solve; 3 h left from Tuesday 09:00.
    assert cycles[Kind.RESOLUTION].due_at == w(2, 12)
    assert cycles[Kind.RESOLUTION].met_at is None


def test_a_target_without_a_promise_makes_no_cycle():
    cycles = run(
        [(w(1, 10), "new")],
        [(w(1, 10), "customer")],
        now=w(1, 10),
        targets={Kind.RESOLUTION: 8 * H},
    )
    assert set(cycles) == {Kind.RESOLUTION}
