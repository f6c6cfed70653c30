"""Escalations fire once at the at-risk and breach instants, from a timer task that re-checks
the stored state (AU6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from relaydesk.sla import engine, services
from relaydesk.sla.models import (
    Action,
    Escalation,
    EscalationRule,
    Kind,
    Record,
    Stage,
    TicketSla,
)
from relaydesk.sla.tests.conftest import backdate
from relaydesk.sla.timers import sla_timer
from relaydesk.tickets import services as tickets
from relaydesk.tickets.models import MessageKind, Priority, Ticket
from relaydesk.tickets.visibility import visible_messages

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MINUTE = dt.timedelta(minutes=1)


def aged(ticket: Ticket, minutes: int) -> Ticket:
    backdate(ticket, minutes * MINUTE)
    engine.recompute(ticket)
    return ticket


def timer(ticket: Ticket) -> str:
    at = TicketSla.objects.get(ticket=ticket).timer_at
    assert at is not None
    return at.isoformat()


def run(ticket: Ticket, at: str | None = None) -> int:
    return services.run_timer(ticket_id=ticket.pk, at_iso=at or timer(ticket))


def first_response(ticket: Ticket) -> Record:
    return Record.objects.get(ticket=ticket, kind=Kind.FIRST_RESPONSE)


@pytest.fixture
def overdue(policy, ticket) -> Ticket:
    """Opened 90 minutes ago: the first response (60 min) is breached."""
    return aged(ticket, 90)


def rule(policy, action: str, stage: str = Stage.BREACHED, **fields) -> EscalationRule:
    return EscalationRule.objects.create(policy=policy, stage=stage, action=action, **fields)


def test_the_next_timer_is_the_first_at_risk_instant(policy, ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert TicketSla.objects.get(ticket=ticket).timer_at == ticket.created_at + 48 * MINUTE


def test_timers_are_queued_as_tasks_after_commit(
    policy, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = tickets.create_ticket(
            actor=customer,
            requester=customer,
            subject="Hi",
            body=tickets.Body("x"),
            channel="portal",
        )
    [task] = DBTaskResult.objects.all()
    assert task.task_path == sla_timer.module_path
    assert task.run_after == TicketSla.objects.get(ticket=ticket).timer_at
    assert task.args_kwargs == {"args": [ticket.pk, timer(ticket)], "kwargs": {}}


def test_a_breach_fires_once_and_is_kept(policy, overdue):
    at = timer(overdue)
    assert sla_timer.call(overdue.pk, at) == 1
    assert run(overdue, at) == 0  # the same timer again: stale
    record = first_response(overdue)
    assert record.breached_at == record.due_at
    assert record.escalated == Stage.BREACHED
    assert Escalation.objects.get().stage == Stage.BREACHED
    # The next timer is the resolution's at-risk instant.
    assert (
        TicketSla.objects.get(ticket=overdue).timer_at
        == Record.objects.get(ticket=overdue, kind=Kind.RESOLUTION).risk_at
    )


def test_a_timer_that_is_no_longer_the_tickets_does_nothing(policy, overdue):
    stale = (TicketSla.objects.get(ticket=overdue).timer_at - MINUTE).isoformat()
    assert run(overdue, stale) == 0
    assert not Escalation.objects.exists()


def test_a_met_target_does_not_escalate(policy, overdue, agent):
    at = timer(overdue)
    tickets.add_message(overdue, actor=agent, body=tickets.Body("Sorry for the wait"))
    assert run(overdue, at) == 0
    assert run(overdue) == 0  # the new timer (resolution at risk) is not due yet
    assert not Escalation.objects.exists()


def test_at_risk_fires_before_the_breach(policy, ticket):
    ticket = aged(ticket, 50)
    assert run(ticket) == 1
    assert first_response(ticket).escalated == Stage.AT_RISK
    assert TicketSla.objects.get(ticket=ticket).timer_at == first_response(ticket).due_at


def test_raising_the_priority_writes_history_and_recomputes(policy, overdue):
    rule(policy, Action.RAISE_PRIORITY)
    run(overdue)
    ticket = Ticket.objects.get(pk=overdue.pk)
    assert ticket.priority == Priority.HIGH
    event = ticket.events.get(field="priority")
    assert event.actor is None
    assert event.after["id"] == Priority.HIGH
    assert ticket.first_response_due_at is None  # no promise for high priority in this policy


def test_an_escalation_note_stays_internal(policy, overdue, customer, agent):
    rule(policy, Action.ADD_NOTE, note="Breached: call the customer")
    run(overdue)
    note = overdue.messages.get(kind=MessageKind.NOTE)
    assert note.body_text == "Breached: call the customer"
    assert not visible_messages(customer).filter(pk=note.pk).exists()
    assert visible_messages(agent).filter(pk=note.pk).exists()


def test_reassigning_hands_the_ticket_to_the_chosen_agent(policy, overdue, supervisor):
    rule(policy, Action.REASSIGN, agent=supervisor)
    run(overdue)
    ticket = Ticket.objects.get(pk=overdue.pk)
    assert ticket.assignee == supervisor
    assert ticket.status == "open"


@override_settings(TASKS=IMMEDIATE)
def test_at_risk_notifies_the_supervisors_only_for_its_stage_and_target(
    policy, ticket, supervisor, agent, django_capture_on_commit_callbacks
):
    rule(policy, Action.NOTIFY_SUPERVISORS, stage=Stage.AT_RISK, kind=Kind.FIRST_RESPONSE)
    rule(policy, Action.NOTIFY_DEPARTMENT, stage=Stage.AT_RISK, kind=Kind.RESOLUTION)
    rule(policy, Action.NOTIFY_DEPARTMENT, stage=Stage.BREACHED)
    ticket = aged(ticket, 50)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(ticket) == 1
    [sent] = mail.outbox
    assert sent.to == [supervisor.email]
    assert sent.subject == f"SLA at risk: #{ticket.number} Printer on fire"
    assert f"/desk/tickets/{ticket.number}/" in sent.body


def test_escalation_rules_need_their_agent_or_note(policy):
    with pytest.raises(ValidationError):
        EscalationRule(policy=policy, stage=Stage.BREACHED, action=Action.REASSIGN).full_clean()
    with pytest.raises(ValidationError):
        EscalationRule(policy=policy, stage=Stage.BREACHED, action=Action.ADD_NOTE).full_clean()
