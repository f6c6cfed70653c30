"""Business-time arithmetic across weekends, holidays, time zones and daylight saving."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.sla import hours

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
T = dt.time


def at(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def weekdays(start: dt.time, end: dt.time, days: range = range(5)) -> list[hours.Range]:
    return [hours.Range(d, start, end) for d in days]


def calendar(
    zone: str, ranges: list[hours.Range], country: str = "", **extra: dt.date
) -> hours.BusinessHours:
    public = holidays.country_holidays(country) if country else {}
    custom = set(extra.values())
    return hours.BusinessHours(ZoneInfo(zone), ranges, lambda d: d in public or d in custom)


NINE_TO_FIVE = weekdays(T(9), T(17))
SPLIT_DAY = weekdays(T(8), T(12)) + weekdays(T(13), T(17))
TEHRAN_WEEK = weekdays(T(8), T(16), range(7))[5:] + weekdays(T(8), T(16), range(3))
NIGHT_SHIFT = [hours.Range(d, T(22), T(6)) for d in range(7)]

# (case, zone, ranges, country, start (local), business time to add, due (local))
ADD_CASES = [
    (
        "friday afternoon into a DST Monday",
        "America/New_York",
        NINE_TO_FIVE,
        "",
        (2026, 3, 6, 16, 0),
        2 * H,
        (2026, 3, 9, 10, 0),
    ),
    (
        "before opening counts from opening",
        "America/New_York",
        NINE_TO_FIVE,
        "",
        (2026, 3, 10, 6, 0),
        30 * MIN,
        (2026, 3, 10, 9, 30),
    ),
    (
        "end of a day is the closing instant",
        "America/New_York",
        NINE_TO_FIVE,
        "",
        (2026, 3, 10, 9, 0),
        8 * H,
        (2026, 3, 10, 17, 0),
    ),
    (
        "new year holidays in Moscow",
        "Europe/Moscow",
        weekdays(T(9), T(18)),
        "RU",
        (2025, 12, 30, 17, 0),
        2 * H,
        (2026, 1, 12, 10, 0),
    ),
    (
        "lunch break in Warsaw",
        "Europe/Warsaw",
        SPLIT_DAY,
        "PL",
        (2026, 5, 4, 11, 30),
        1 * H,
        (2026, 5, 4, 13, 30),
    ),
    (
        "Independence Day in Warsaw",
        "Europe/Warsaw",
        SPLIT_DAY,
        "PL",
        (2026, 11, 10, 16, 30),
        1 * H,
        (2026, 11, 12, 8, 30),
    ),
    (
        "Warsaw across the October DST change",
        "Europe/Warsaw",
        SPLIT_DAY,
        "PL",
        (2026, 10, 23, 16, 0),
        2 * H,
        (2026, 10, 26, 9, 0),
    ),
    (
        "Tehran's Saturday-to-Wednesday week",
        "Asia/Tehran",
        TEHRAN_WEEK,
        "",
        (2026, 1, 7, 15, 0),
        2 * H,
        (2026, 1, 10, 9, 0),
    ),
    (
        "Bucharest night shift across the DST end",
        "Europe/Bucharest",
        NIGHT_SHIFT,
        "",
        (2026, 10, 24, 22, 0),
        9 * H,
        (2026, 10, 25, 6, 0),
    ),
    (
        "Bucharest night shift continues the next evening",
        "Europe/Bucharest",
        NIGHT_SHIFT,
        "",
        (2026, 10, 25, 5, 0),
        2 * H,
        (2026, 10, 25, 23, 0),
    ),
    (
        "Bucharest St Andrew and Union Day",
        "Europe/Bucharest",
        NINE_TO_FIVE,
        "RO",
        (2026, 11, 27, 16, 0),
        2 * H,
        (2026, 12, 2, 10, 0),
    ),
]


@pytest.mark.parametrize(
    ("zone", "ranges", "country", "start", "amount", "due"),
    [case[1:] for case in ADD_CASES],
    ids=[case[0] for case in ADD_CASES],
)
def test_adding_business_time_lands_on_the_local_due_instant(
    zone, ranges, country, start, amount, due
):
    business = calendar(zone, ranges, country)
    result = hours.add(business, at(zone, *start), amount)
    assert result == at(zone, *due)
    assert hours.elapsed(business, at(zone, *start), result) == amount


def test_an_overnight_range_is_an_hour_longer_when_clocks_go_back():
    business = calendar("America/New_York", [hours.Range(5, T(22), T(6))])
    start, end = at("America/New_York", 2026, 10, 31, 20), at("America/New_York", 2026, 11, 1, 8)
    assert hours.elapsed(business, start, end) == 9 * H


def test_a_day_is_an_hour_shorter_when_clocks_go_forward_at_night():
    business = calendar("Europe/Warsaw", [hours.Range(6, T(0), T(0))])  # all of Sunday
    sunday = at("Europe/Warsaw", 2026, 3, 29, 0)
    assert hours.elapsed(business, sunday, sunday + 48 * H) == 23 * H


def test_opening_inside_the_skipped_hour_opens_when_the_clock_jumps():
    business = calendar("America/New_York", [hours.Range(6, T(2), T(4))])
    start = at("America/New_York", 2026, 3, 8, 0)
    assert hours.elapsed(business, start, start + 12 * H) == 1 * H


def test_moscow_keeps_its_offset_all_year():
    business = calendar("Europe/Moscow", NINE_TO_FIVE)
    due = hours.add(business, at("Europe/Moscow", 2026, 7, 1, 9), 1 * H)
    assert due == dt.datetime(2026, 7, 1, 7, tzinfo=dt.UTC)


def test_custom_holidays_close_the_day():
    business = calendar("Europe/Warsaw", NINE_TO_FIVE, company_day=dt.date(2026, 6, 5))
    due = hours.add(business, at("Europe/Warsaw", 2026, 6, 4, 16), 2 * H)
    assert due == at("Europe/Warsaw", 2026, 6, 8, 10)


def test_always_open_counts_real_time_across_dst():
    start = at("America/New_York", 2026, 3, 7, 12)
    due = hours.add(hours.AlwaysOpen(), start, 24 * H)
    assert due == at("America/New_York", 2026, 3, 8, 13)


def test_a_calendar_never_open_has_no_due_time():
    assert hours.add(calendar("UTC", []), at("UTC", 2026, 1, 1), 1 * H) is None


def test_a_pause_across_closing_time_adds_only_the_business_time_it_covered():
    business = calendar("Europe/Warsaw", NINE_TO_FIVE)
    start = at("Europe/Warsaw", 2026, 6, 1, 10)  # Monday
    assert hours.add(business, start, 8 * H) == at("Europe/Warsaw", 2026, 6, 2, 10)
    pause = (at("Europe/Warsaw", 2026, 6, 1, 16), at("Europe/Warsaw", 2026, 6, 2, 10))
    assert hours.add(business, start, 8 * H, [pause]) == at("Europe/Warsaw", 2026, 6, 2, 12)


def test_a_lasting_pause_stops_the_clock():
    business = calendar("Europe/Warsaw", NINE_TO_FIVE)
    start = at("Europe/Warsaw", 2026, 6, 1, 10)
    pause = (at("Europe/Warsaw", 2026, 6, 1, 12), None)
    assert hours.add(business, start, 8 * H, [pause]) is None
    assert hours.elapsed(business, start, start + 72 * H, [pause]) == 2 * H


# Property tests ----------------------------------------------------------------------------

ZONES = ["Europe/Moscow", "Europe/Bucharest", "Europe/Warsaw", "Asia/Tehran", "America/New_York"]
CALENDARS = [
    calendar(z, r, c)
    for z, c in zip(ZONES, ["RU", "RO", "PL", "IR", "US"], strict=True)
    for r in (NINE_TO_FIVE, SPLIT_DAY, NIGHT_SHIFT)
] + [hours.AlwaysOpen()]
instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 1), timezones=st.just(dt.UTC)
)
minutes = st.integers(min_value=1, max_value=60 * 24 * 10).map(lambda m: m * MIN)
business_hours = st.sampled_from(CALENDARS)


@settings(max_examples=150, deadline=None)
@given(business_hours, instants, minutes, minutes)
def test_due_time_never_moves_backwards_as_the_clock_runs(business, start, amount, later):
    """Asking again later in the same cycle (less left, from a later instant) gives the same due
    time, and a longer target never a earlier one."""
    due = hours.add(business, start, amount)
    assert due is not None
    assert due >= start
    assert hours.add(business, start, amount + later) >= due
    assert hours.add_each(business, start, [amount, amount + later]) == [
        due,
        hours.add(business, start, amount + later),
    ]
    midway = hours.add(business, start, amount / 2)
    assert midway is not None
    left = amount - hours.elapsed(business, start, midway)
    assert hours.add(business, midway, left) == due


@settings(max_examples=150, deadline=None)
@given(business_hours, instants, minutes, minutes, st.integers(min_value=1, max_value=7 * 24 * 60))
def test_pausing_and_resuming_never_shortens_the_remaining_time(
    business, start, amount, into, length
):
    pause_from = start + into
    pause = (pause_from, pause_from + length * MIN)
    before = hours.add(business, start, amount)
    after = hours.add(business, start, amount, [pause])
    assert after is not None
    assert before is not None
    assert after >= before
    used = hours.elapsed(business, start, pause[0])
    resumed_left = amount - hours.elapsed(business, start, pause[1], [pause])
    assert resumed_left == max(amount - used, dt.timedelta()) or used >= amount
