"""Escalation (AU6): the SLA's own changes to a ticket, made by the system when the ticket's
timer runs, once per cycle and stage. Like every ticket change: atomic, history lines through
the typed constructors, mail after commit."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from relaydesk.accounts.models import Access, Membership, Role, User
from relaydesk.sla import engine
from relaydesk.sla.models import Action, Escalation, EscalationRule, Record, Stage, TicketSla
from relaydesk.sla.notifications import notify_escalation
from relaydesk.sla.signals import stage_reached
from relaydesk.tickets import events, live
from relaydesk.tickets.models import (
    Channel,
    Direction,
    Message,
    MessageKind,
    Priority,
    StatusCategory,
    Ticket,
)


def _recipients(rule: EscalationRule, ticket: Ticket) -> list[int]:
    if rule.action == Action.NOTIFY_ASSIGNEE:
        return [ticket.assignee_id] if ticket.assignee_id else []
    if ticket.department_id is None:
        return []
    members = Membership.objects.filter(
        department_id=ticket.department_id, access=Access.FULL, user__is_active=True
    )
    if rule.action == Action.NOTIFY_SUPERVISORS:
        members = members.filter(user__role__in=(Role.SUPERVISOR, Role.ADMIN))
    return list(members.values_list("user_id", flat=True))


def _field(ticket: Ticket, name: str, value: object, before: events.Value) -> None:
    setattr(ticket, name, value)
    Ticket.objects.filter(pk=ticket.pk).update(**{name: value, "updated_at": timezone.now()})
    after = events.value_of(getattr(ticket, name))
    events.field_changed(ticket, actor=None, field=name, before=before, after=after)


def _apply(rule: EscalationRule, ticket: Ticket) -> None:
    if rule.action == Action.REASSIGN:
        agent: User | None = rule.agent
        if agent is not None and agent.is_active and agent.pk != ticket.assignee_id:
            _field(ticket, "assignee", agent, events.value_of(ticket.assignee))
            if ticket.status == StatusCategory.NEW:
                _field(ticket, "status", StatusCategory.OPEN, events.value_of(StatusCategory.NEW))
    elif rule.action == Action.RAISE_PRIORITY:
        if ticket.priority < Priority.URGENT:
            before = {"id": ticket.priority, "label": str(Priority(ticket.priority).label)}
            _field(ticket, "priority", ticket.priority + 1, before)
    elif rule.action == Action.ADD_NOTE:
        message = Message.objects.create(
            ticket=ticket,
            kind=MessageKind.NOTE,
            channel=Channel.INTERNAL,
            direction=Direction.INTERNAL,
            body_text=rule.note,
        )
        events.message_added(ticket, actor=None, message=message)
    else:
        recipients = _recipients(rule, ticket)
        if recipients:
            ticket_id = ticket.pk
            transaction.on_commit(
                lambda: notify_escalation.enqueue(ticket_id, rule.stage, recipients)
            )


def _fire(record: Record, stage: str, ticket: Ticket, now: dt.datetime) -> bool:
    """Run one stage of one cycle, once: the unique `Escalation` row is the guard."""
    Record.objects.filter(pk=record.pk).update(escalated=stage)
    if stage == Stage.BREACHED and record.breached_at is None:
        Record.objects.filter(pk=record.pk).update(breached_at=record.due_at)
    try:
        with transaction.atomic():
            Escalation.objects.create(record=record, stage=stage, fired_at=now)
    except IntegrityError:
        return False
    if record.policy is not None:
        for rule in record.policy.escalations.filter(stage=stage).select_related("agent"):
            if not rule.kind or rule.kind == record.kind:
                _apply(rule, ticket)
    return True


@transaction.atomic
def run_timer(*, ticket_id: int, at_iso: str) -> int:
    """A ticket's escalation timer: if it is still the ticket's (`TicketSla.timer_at`), fire
    every stage that is due now and not fired yet, then recompute (which sets the next timer).
    How many stages fired; each stage is announced once through `stage_reached`."""
    ticket = Ticket.objects.select_for_update(of=("self",)).filter(pk=ticket_id).first()
    state = TicketSla.objects.filter(ticket_id=ticket_id).first()
    if ticket is None or state is None or state.timer_at is None:
        return 0
    if state.timer_at.isoformat() != at_iso:
        return 0  # stale: a later change set another timer
    now = timezone.now()
    fired = 0
    stages: set[str] = set()
    records = Record.objects.filter(
        ticket_id=ticket_id, met_at=None, due_at__isnull=False
    ).select_related("policy")
    for record in records:
        if record.due_at is not None and record.due_at <= now:
            stage = Stage.BREACHED  # a late timer skips the at-risk warning
        elif record.risk_at is not None and record.risk_at <= now and not record.escalated:
            stage = Stage.AT_RISK
        else:
            continue
        if record.escalated != stage and _fire(record, stage, ticket, now):
            fired += 1
            stages.add(stage)
    for reached in sorted(stages):
        stage_reached.send(sender=Record, ticket=ticket, stage=reached)
    engine.recompute(ticket, now=now, timer_ran=fired > 0)
    live_id = ticket.pk
    transaction.on_commit(lambda: live.ticket_changed(live_id, "updated"))
    return fired
