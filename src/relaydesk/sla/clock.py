"""The SLA clock of one ticket, computed from its history alone (pure, no database).

Targets run in cycles: first response from creation to the first public reply; next response
from each customer message that follows an agent reply to the next public reply; resolution from
creation until solved. Every clock stops while the ticket is in a pause status of its policy or
solved/closed, and runs again when it leaves it (a customer reply reopens the ticket). A cycle's
due time is its start plus the target in running business time; for a cycle that ended, pauses
after its end do not count, so a met cycle always has a due time to compare with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relaydesk.sla import hours
from relaydesk.sla.models import Kind
from relaydesk.tickets.models import MessageKind, StatusCategory

ALWAYS_STOPPED = frozenset({StatusCategory.SOLVED, StatusCategory.CLOSED})


@dataclass(frozen=True)
class History:
    """What the clock needs of a ticket's timeline, in order."""

    created_at: dt.datetime
    # (instant, status category from then on); the first entry is the status at creation.
    statuses: Sequence[tuple[dt.datetime, str]]
    # (instant, "customer" or "reply") for public messages, the opening message included.
    messages: Sequence[tuple[dt.datetime, str]]
    # (instant, assignee id from then on); the first entry is the assignee at creation. Not
    # the clock's: the report names the agent who had the ticket when a target was decided.
    assignees: Sequence[tuple[dt.datetime, int | None]] = ()

    def assignee_at(self, at: dt.datetime) -> int | None:
        current = None
        for since, assignee in self.assignees:
            if since > at:
                break
            current = assignee
        return current


@dataclass(frozen=True)
class Cycle:
    kind: str
    started_at: dt.datetime
    due_at: dt.datetime | None  # None while the clock is stopped before the target
    risk_at: dt.datetime | None
    met_at: dt.datetime | None
    remaining: dt.timedelta | None  # running business time left now, for a cycle not met


def pauses(history: History, pause_statuses: Iterable[str]) -> list[hours.Pause]:
    stopped = ALWAYS_STOPPED | frozenset(pause_statuses)
    result: list[hours.Pause] = []
    began: dt.datetime | None = None
    for at, status in history.statuses:
        if status in stopped and began is None:
            began = at
        elif status not in stopped and began is not None:
            result.append((began, at))
            began = None
    if began is not None:
        result.append((began, None))
    return result


def _until(items: Sequence[hours.Pause], end: dt.datetime | None) -> list[hours.Pause]:
    """The pauses as they were before `end`: later ones never happened for that cycle."""
    if end is None:
        return list(items)
    return [(a, b if b is not None and b <= end else end) for a, b in items if a < end]


def spans(history: History) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    """(kind, start, end) of every cycle in the history."""
    result: list[tuple[str, dt.datetime, dt.datetime | None]] = []
    replies = [at for at, kind in history.messages if kind == MessageKind.REPLY]
    result.append((Kind.FIRST_RESPONSE, history.created_at, replies[0] if replies else None))
    replied = False
    waiting: dt.datetime | None = None
    for at, kind in history.messages:
        if kind == MessageKind.REPLY:
            if waiting is not None:
                result.append((Kind.NEXT_RESPONSE, waiting, at))
                waiting = None
            replied = True
        elif replied and waiting is None:
            waiting = at
    if waiting is not None:
        result.append((Kind.NEXT_RESPONSE, waiting, None))
    solved: dt.datetime | None = None  # the start of the final solved/closed run
    for at, status in reversed(history.statuses):
        if status not in ALWAYS_STOPPED:
            break
        solved = at
    result.append((Kind.RESOLUTION, history.created_at, solved))
    return result


def cycles(
    history: History,
    *,
    business: hours.Hours,
    targets: dict[str, dt.timedelta],
    pause_statuses: Iterable[str],
    risk_percent: int,
    now: dt.datetime,
) -> list[Cycle]:
    stops = pauses(history, pause_statuses)
    result = []
    for kind, start, end in spans(history):
        target = targets.get(kind)
        if target is None:
            continue
        counted = _until(stops, end)
        risk, due = hours.add_each(business, start, [target * risk_percent / 100, target], counted)
        remaining = None
        if end is None and due is not None:  # walk from now, not from the (old) start
            remaining = hours.elapsed(business, now, due, counted)
        elif end is None:
            remaining = max(target - hours.elapsed(business, start, now, counted), dt.timedelta())
        result.append(Cycle(kind, start, due, risk, end, remaining))
    return result
