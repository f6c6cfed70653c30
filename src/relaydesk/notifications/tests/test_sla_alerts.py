"""SLA alerts in the desk: an at-risk or breached target tells the assignee (the department's
supervisors when nobody has it), once per stage, under each agent's own choices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from relaydesk.notifications import services as notes
from relaydesk.notifications.models import Event, MailState, Notification
from relaydesk.sla import calendars, engine
from relaydesk.sla import services as sla
from relaydesk.sla.models import Policy, Target, TicketSla
from relaydesk.sla.tests.conftest import backdate
from relaydesk.tickets import services
from relaydesk.tickets.models import Priority, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def policy(db) -> Policy:
    """A first response within 60 minutes, around the clock (at risk from 48)."""
    calendars._cache.clear()
    policy = Policy.objects.create(name="Standard", position=10)
    Target.objects.create(
        policy=policy, priority=Priority.NORMAL, first_response=60, resolution=480
    )
    return policy


def aged(ticket: Ticket, minutes: int) -> Ticket:
    backdate(ticket, dt.timedelta(minutes=minutes))
    engine.recompute(ticket)
    return Ticket.objects.get(pk=ticket.pk)


def run_timer(committed, ticket: Ticket) -> int:
    at = TicketSla.objects.get(ticket=ticket).timer_at
    assert at is not None
    return committed(sla.run_timer, ticket_id=ticket.pk, at_iso=at.isoformat())


def alerts(event: str) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(event=event).select_related("recipient")
    return sorted((row.recipient.email, row.mail_state) for row in rows)


def test_the_assignee_hears_of_at_risk_then_of_the_breach(committed, ticket, agent, supervisor):
    services.update_ticket(ticket, actor=supervisor, assignee=agent)
    ticket = aged(ticket, 50)
    assert run_timer(committed, ticket) == 1
    assert alerts(Event.SLA_AT_RISK) == [(agent.email, MailState.NONE)]  # the bell only
    row = Notification.objects.get(event=Event.SLA_AT_RISK)
    assert notes.describe(row) == f"#{ticket.number} is at risk of missing its SLA"
    assert run_timer(committed, ticket) == 0  # the next timer (the breach) is not due yet
    ticket = aged(ticket, 20)  # 70 minutes: breached
    run_timer(committed, ticket)
    assert alerts(Event.SLA_BREACHED) == [(agent.email, MailState.NONE)]
    assert alerts(Event.SLA_AT_RISK) == [(agent.email, MailState.NONE)]  # once per stage
    assert mail.outbox == []


def test_an_unassigned_ticket_tells_the_departments_supervisors(
    committed, ticket, agent, supervisor, other_agent
):
    run_timer(committed, aged(ticket, 90))
    assert alerts(Event.SLA_BREACHED) == [(supervisor.email, MailState.NONE)]


def test_each_agent_chooses_how_they_hear(committed, ticket, agent, supervisor):
    services.update_ticket(ticket, actor=supervisor, assignee=agent)
    notes.save_preferences(agent, {Event.SLA_AT_RISK: (False, False)})
    notes.save_preferences(agent, {Event.SLA_BREACHED: (True, True)})
    ticket = aged(ticket, 50)
    run_timer(committed, ticket)
    assert alerts(Event.SLA_AT_RISK) == []
    run_timer(committed, aged(ticket, 20))
    assert alerts(Event.SLA_BREACHED) == [(agent.email, MailState.SENT)]
    assert "has breached its SLA" in mail.outbox[0].body


def test_the_preferences_page_offers_the_sla_events(agent):
    from relaydesk.conftest import signed_in

    page = signed_in(agent).get("/desk/notifications/preferences/").content.decode()
    assert "at risk of missing its SLA" in page
    assert "has breached its SLA" in page
