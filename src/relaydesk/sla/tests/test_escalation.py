"""Escalations fire once at the at-risk and breach instants, re-checking the stored state (AU6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from relaydesk.sla import services
from relaydesk.sla.models import Action, Escalation, EscalationRule, Kind, Record, Stage
from relaydesk.sla.tasks import escalate
from relaydesk.sla.tests.conftest import backdate
from relaydesk.tickets import services as tickets
from relaydesk.tickets.models import MessageKind, Priority, Ticket
from relaydesk.tickets.visibility import visible_messages

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def first_response(ticket: Ticket) -> Record:
    return Record.objects.get(ticket=ticket, kind=Kind.FIRST_RESPONSE)


def fire(record: Record, stage: str = Stage.BREACHED) -> bool:
    return services.escalate(record_id=record.pk, stage=stage, due_iso=record.due_at.isoformat())


@pytest.fixture
def overdue(policy, ticket) -> Record:
    backdate(ticket, dt.timedelta(minutes=90))
    return first_response(ticket)


def rule(policy, action: str, stage: str = Stage.BREACHED, **fields) -> EscalationRule:
    return EscalationRule.objects.create(policy=policy, stage=stage, action=action, **fields)


def test_a_breach_fires_once_and_is_kept(policy, overdue):
    assert escalate.call(overdue.pk, Stage.BREACHED, overdue.due_at.isoformat()) is True
    assert fire(overdue) is False
    overdue.refresh_from_db()
    assert overdue.breached_at == overdue.due_at
    assert Escalation.objects.filter(record=overdue).count() == 1


def test_a_stale_timer_does_nothing(policy, overdue):
    stale = (overdue.due_at - dt.timedelta(minutes=5)).isoformat()
    assert services.escalate(record_id=overdue.pk, stage=Stage.BREACHED, due_iso=stale) is False
    assert not Escalation.objects.exists()


def test_a_met_target_does_not_escalate(policy, overdue, agent):
    tickets.add_message(overdue.ticket, actor=agent, body=tickets.Body("Sorry for the wait"))
    assert fire(overdue) is False
    assert not Escalation.objects.exists()


def test_raising_the_priority_writes_history_and_recomputes(policy, overdue):
    rule(policy, Action.RAISE_PRIORITY)
    fire(overdue)
    ticket = Ticket.objects.get(pk=overdue.ticket_id)
    assert ticket.priority == Priority.HIGH
    event = ticket.events.get(field="priority")
    assert event.actor is None
    assert event.after["id"] == Priority.HIGH
    assert ticket.first_response_due_at is None  # no promise for high priority in this policy


def test_an_escalation_note_stays_internal(policy, overdue, customer, agent):
    rule(policy, Action.ADD_NOTE, note="Breached: call the customer")
    fire(overdue)
    note = overdue.ticket.messages.get(kind=MessageKind.NOTE)
    assert note.body_text == "Breached: call the customer"
    assert not visible_messages(customer).filter(pk=note.pk).exists()
    assert visible_messages(agent).filter(pk=note.pk).exists()


def test_reassigning_hands_the_ticket_to_the_chosen_agent(policy, overdue, supervisor):
    rule(policy, Action.REASSIGN, agent=supervisor)
    fire(overdue)
    ticket = Ticket.objects.get(pk=overdue.ticket_id)
    assert ticket.assignee == supervisor
    assert ticket.status == "open"


@override_settings(TASKS=IMMEDIATE)
def test_at_risk_notifies_the_supervisors_only_for_its_stage_and_target(
    policy, overdue, supervisor, agent, django_capture_on_commit_callbacks
):
    rule(policy, Action.NOTIFY_SUPERVISORS, stage=Stage.AT_RISK, kind=Kind.FIRST_RESPONSE)
    rule(policy, Action.NOTIFY_DEPARTMENT, stage=Stage.AT_RISK, kind=Kind.RESOLUTION)
    with django_capture_on_commit_callbacks(execute=True):
        assert fire(overdue, Stage.AT_RISK) is True
    [sent] = mail.outbox
    assert sent.to == [supervisor.email]
    assert sent.subject == f"SLA at risk: #{overdue.ticket.number} Printer on fire"
    assert f"/desk/tickets/{overdue.ticket.number}/" in sent.body


def test_escalation_rules_need_their_agent_or_note(policy):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        EscalationRule(policy=policy, stage=Stage.BREACHED, action=Action.REASSIGN).full_clean()
    with pytest.raises(ValidationError):
        EscalationRule(policy=policy, stage=Stage.BREACHED, action=Action.ADD_NOTE).full_clean()
