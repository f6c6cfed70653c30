"""A ticket's SLA state as agents see it (SL3): on track, at risk (amber), breached (red),
paused; and the same states as list filters over the stored, indexed instants."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from relaydesk.sla.models import TicketSla
from relaydesk.tickets.models import Ticket


class State(models.TextChoices):
    BREACHED = "breached", _("Breached")
    AT_RISK = "at_risk", _("At risk")
    ON_TRACK = "on_track", _("On track")
    PAUSED = "paused", _("Paused")


def state_of(sla: TicketSla | None, now: dt.datetime) -> str:
    """The state shown for a ticket; "" when no target is running."""
    if sla is None:
        return ""
    if sla.due_at is not None:
        if sla.due_at <= now:
            return State.BREACHED
        if sla.risk_at is not None and sla.risk_at <= now:
            return State.AT_RISK
        return State.ON_TRACK
    return State.PAUSED if sla.paused else ""


def conditions(state: str, now: dt.datetime) -> Q:
    running = Q(sla__due_at__isnull=False)
    return {
        State.BREACHED: Q(sla__due_at__lte=now),
        State.AT_RISK: Q(sla__risk_at__lte=now, sla__due_at__gt=now),
        State.ON_TRACK: running & Q(sla__due_at__gt=now) & Q(sla__risk_at__gt=now),
        State.PAUSED: Q(sla__paused=True, sla__due_at__isnull=True),
    }[State(state)]


def filter_state(tickets: QuerySet[Ticket], state: str, now: dt.datetime) -> QuerySet[Ticket]:
    return tickets.filter(conditions(state, now))


def countdown(delta: dt.timedelta) -> str:
    """ "2h 05m", "3d 4h", "−45m": short enough for a list cell, the same in the browser."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    text = f"{days}d {rest // 60}h" if days else f"{rest // 60}h {rest % 60:02d}m"
    if minutes < 60:
        text = f"{minutes}m"
    return ("−" if delta.total_seconds() < 0 else "") + text
