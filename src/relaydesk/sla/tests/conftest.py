"""An SLA policy for the ticket tests; every test starts with a fresh policy cache."""

from __future__ import annotations

import datetime as dt

import pytest

from relaydesk.sla import calendars
from relaydesk.sla.models import Policy, Target
from relaydesk.tickets.models import Priority, Ticket, TicketEvent


@pytest.fixture(autouse=True)
def fresh_policies() -> None:
    calendars._cache.clear()


@pytest.fixture
def policy(db) -> Policy:
    """24/7: normal tickets get a first response in 60 min, next in 120, resolution in 480;
    urgent ones 15 / 30 / 120."""
    policy = Policy.objects.create(name="Standard", position=10)
    Target.objects.create(
        policy=policy,
        priority=Priority.NORMAL,
        first_response=60,
        next_response=120,
        resolution=480,
    )
    Target.objects.create(
        policy=policy, priority=Priority.URGENT, first_response=15, next_response=30, resolution=120
    )
    return policy


def backdate(ticket: Ticket, by: dt.timedelta) -> None:
    """Move a ticket's whole history into the past, as if it had been opened `by` ago."""
    Ticket.objects.filter(pk=ticket.pk).update(created_at=ticket.created_at - by)
    for event in TicketEvent.objects.filter(ticket=ticket):
        TicketEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - by)
    ticket.refresh_from_db()
