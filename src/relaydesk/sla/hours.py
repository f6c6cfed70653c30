"""Business-time arithmetic over instants (SL2): pure Python, no database.

A calendar's open time is a sorted stream of UTC intervals. Business ranges are local wall
times in the calendar's zone (zoneinfo), so a daylight-saving change inside a range lengthens
or shortens that day's open time by exactly the shift. A range whose end is not after its start
runs overnight into the next day; a range belongs to the day it starts on, so a holiday closes
the ranges that start on it. Pauses (the clock stopped while waiting for the customer) are cut
out of the open time before counting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
FAR_FUTURE = dt.datetime(9000, 1, 1, tzinfo=UTC)
# A calendar with no open day in this many days is treated as never open (no due time).
MAX_CLOSED_DAYS = 800

Interval = tuple[dt.datetime, dt.datetime]
# A pause: from, and until (None while it lasts).
Pause = tuple[dt.datetime, dt.datetime | None]


class Hours(Protocol):
    def intervals(self, since: dt.datetime) -> Iterator[Interval]:
        """Open intervals in UTC, sorted and disjoint, the first clipped to start at `since`."""
        ...


class AlwaysOpen:
    """24/7."""

    def intervals(self, since: dt.datetime) -> Iterator[Interval]:
        yield since.astimezone(UTC), FAR_FUTURE


@dataclass(frozen=True)
class Range:
    weekday: int  # Monday 0 … Sunday 6, as `date.weekday()`
    start: dt.time
    end: dt.time  # not after start: the range ends the next day

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


def _never_closed(day: dt.date) -> bool:
    return False


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    ranges: Sequence[Range]
    closed: Callable[[dt.date], bool] = field(default=_never_closed)
    # Each day's intervals, worked out once: recomputing many tickets asks for the same days.
    _days: dict[dt.date, list[Interval]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _day(self, day: dt.date) -> list[Interval]:
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = self._compute_day(day)
        return cached

    def _compute_day(self, day: dt.date) -> list[Interval]:
        if self.closed(day):
            return []
        spans = []
        for r in self.ranges:
            if r.weekday != day.weekday():
                continue
            start = dt.datetime.combine(day, r.start, self.zone).astimezone(UTC)
            end_day = day + ONE_DAY if r.overnight else day
            end = dt.datetime.combine(end_day, r.end, self.zone).astimezone(UTC)
            if end > start:
                spans.append((start, end))
        return sorted(spans)

    def intervals(self, since: dt.datetime) -> Iterator[Interval]:
        since = since.astimezone(UTC)
        day = since.astimezone(self.zone).date() - ONE_DAY  # yesterday's overnight range
        current: Interval | None = None
        closed_days = 0
        while closed_days < MAX_CLOSED_DAYS:
            spans = self._day(day)
            closed_days = 0 if spans else closed_days + 1
            for start, end in spans:
                if current is not None and start <= current[1]:
                    current = (current[0], max(current[1], end))
                    continue
                if current is not None and current[1] > since:
                    yield max(current[0], since), current[1]
                current = (start, end)
            day += ONE_DAY
        if current is not None and current[1] > since:
            yield max(current[0], since), current[1]


def running(hours: Hours, since: dt.datetime, pauses: Iterable[Pause] = ()) -> Iterator[Interval]:
    """Open intervals from `since` with the pauses cut out; ends at a pause that lasts."""
    pending = sorted(p for p in pauses if p[1] is None or p[1] > since)
    index = 0
    for start, end in hours.intervals(since):
        while start < end:
            while (
                index < len(pending) and (stop := pending[index][1]) is not None and stop <= start
            ):
                index += 1
            if index == len(pending):
                yield start, end
                break
            pause_from, pause_until = pending[index]
            if pause_from >= end:
                yield start, end
                break
            if pause_from > start:
                yield start, pause_from
            if pause_until is None:
                return
            start = max(start, pause_until)


def add(
    hours: Hours, start: dt.datetime, amount: dt.timedelta, pauses: Iterable[Pause] = ()
) -> dt.datetime | None:
    """The instant when `amount` of running business time has passed since `start`; None when
    the clock stops (a pause that lasts, or a calendar never open) before that."""
    return add_each(hours, start, [amount], pauses)[0]


def add_each(
    hours: Hours,
    start: dt.datetime,
    amounts: Sequence[dt.timedelta],
    pauses: Iterable[Pause] = (),
) -> list[dt.datetime | None]:
    """`add` for several amounts (in increasing order) in one walk over the open time."""
    results: list[dt.datetime | None] = [None] * len(amounts)
    index = 0
    passed = dt.timedelta()
    if not amounts:
        return results
    for begin, end in running(hours, start, pauses):
        length = end - begin
        while index < len(amounts) and passed + length >= amounts[index]:
            results[index] = begin + (amounts[index] - passed)
            index += 1
        if index == len(amounts):
            break
        passed += length
    return results


def elapsed(
    hours: Hours, start: dt.datetime, until: dt.datetime, pauses: Iterable[Pause] = ()
) -> dt.timedelta:
    """Running business time between two instants."""
    total = dt.timedelta()
    if until <= start:
        return total
    for begin, end in running(hours, start, pauses):
        if begin >= until:
            break
        total += min(end, until) - begin
    return total
