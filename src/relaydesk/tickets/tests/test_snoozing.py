"""Snooze (TK8): pending with an alarm; woken by the periodic job, a customer or an agent."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from relaydesk.core.schedule import jobs, run_job, tick
from relaydesk.tickets import events, services
from relaydesk.tickets.models import StatusCategory, Ticket, TicketEvent
from relaydesk.tickets.snoozing import snooze, wake_due
from relaydesk.tickets.tests.helpers import nothing_changes


def snooze_lines(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, field=events.SNOOZED_UNTIL).values_list(
            "before", "after"
        )
    )


@pytest.fixture
def later():
    return timezone.now() + timedelta(hours=3)


def test_snooze_makes_the_ticket_pending_until_the_time(ticket, agent, later):
    snooze(ticket, actor=agent, until=later)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.snoozed_until) == (StatusCategory.PENDING, later)
    assert snooze_lines(ticket) == [(None, {"id": later.isoformat(), "label": later.isoformat()})]


def test_the_periodic_job_wakes_due_tickets_only(ticket, agent, customer, support, later):
    other = services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Later",
        body=services.Body("Later."),
        channel="portal",
        department=support,
    )
    snooze(ticket, actor=agent, until=later)
    snooze(other, actor=agent, until=later + timedelta(days=1))
    assert wake_due(now=later - timedelta(seconds=1)) == 0
    assert wake_due(now=later) == 1
    ticket.refresh_from_db()
    other.refresh_from_db()
    assert (ticket.status, ticket.snoozed_until) == (StatusCategory.OPEN, None)
    assert other.snoozed_until is not None
    woke = TicketEvent.objects.filter(ticket=ticket, field=events.SNOOZED_UNTIL).last()
    assert (woke.actor, woke.after) == (None, None)


def test_the_scheduler_runs_the_wake_up_job(ticket, agent, later):
    name = "relaydesk.tickets.periodic.wake_snoozed"
    assert jobs()[name].every == timedelta(minutes=1)
    snooze(ticket, actor=agent, until=later)
    Ticket.objects.filter(pk=ticket.pk).update(snoozed_until=timezone.now())
    assert name in tick()
    run_job.call(name)
    ticket.refresh_from_db()
    assert ticket.status == StatusCategory.OPEN


def test_a_customer_reply_wakes_the_ticket_early(ticket, agent, customer, later):
    snooze(ticket, actor=agent, until=later)
    services.add_message(ticket, actor=customer, body=services.Body("Any news?"))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.snoozed_until) == (StatusCategory.OPEN, None)
    assert snooze_lines(ticket)[-1][1] is None


def test_snoozing_again_moves_the_alarm(ticket, agent, later):
    snooze(ticket, actor=agent, until=later)
    snooze(ticket, actor=agent, until=later + timedelta(days=2))
    ticket.refresh_from_db()
    assert ticket.snoozed_until == later + timedelta(days=2)
    assert len(snooze_lines(ticket)) == 2


def test_none_wakes_now_and_is_harmless_when_awake(ticket, agent, later):
    with nothing_changes():
        snooze(ticket, actor=agent, until=None)
    snooze(ticket, actor=agent, until=later)
    snooze(ticket, actor=agent, until=None)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.snoozed_until) == (StatusCategory.OPEN, None)


def test_another_status_ends_the_snooze(ticket, agent, later):
    snooze(ticket, actor=agent, until=later)
    services.update_ticket(ticket, actor=agent, status=StatusCategory.SOLVED)
    ticket.refresh_from_db()
    assert ticket.snoozed_until is None


@pytest.mark.parametrize(
    "until",
    [
        timezone.now() - timedelta(minutes=1),
        timezone.now() + timedelta(days=400),
        timezone.now().replace(tzinfo=None) + timedelta(days=1),
    ],
    ids=["past", "too far", "naive"],
)
def test_bad_times_are_refused_and_change_nothing(ticket, agent, until):
    with nothing_changes(), pytest.raises(ValidationError):
        snooze(ticket, actor=agent, until=until)


def test_a_closed_ticket_cannot_be_snoozed(ticket, agent, later):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.CLOSED)
    with nothing_changes(), pytest.raises(ValidationError):
        snooze(ticket, actor=agent, until=later)


@pytest.mark.parametrize("who", ["readonly_agent", "customer", "other_agent"])
def test_people_who_cannot_change_the_ticket_are_refused(who, request, ticket, later):
    with nothing_changes(), pytest.raises(PermissionDenied):
        snooze(ticket, actor=request.getfixturevalue(who), until=later)
