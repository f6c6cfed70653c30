"""Escalation (AU6): the SLA's own changes to a ticket, made by the system, once per cycle
and stage. Like every ticket change: atomic, history lines through the typed constructors,
mail after commit."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from relaydesk.accounts.models import Access, Membership, Role, User
from relaydesk.sla.models import Action, Escalation, EscalationRule, Record, Stage
from relaydesk.sla.notifications import notify_escalation
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


@transaction.atomic
def escalate(*, record_id: int, stage: str, due_iso: str) -> bool:
    """Run the escalation of one cycle at one stage, if that cycle is still open with this due
    time (a later change made a newer timer) and it has not run yet. True when it ran."""
    record = Record.objects.select_related("policy").filter(pk=record_id).first()
    if record is None or record.policy is None or record.met_at is not None:
        return False
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=record.ticket_id)
    record.refresh_from_db()
    if record.due_at is None or record.due_at.isoformat() != due_iso or record.met_at:
        return False
    now = timezone.now()
    if stage == Stage.BREACHED and record.breached_at is None:
        Record.objects.filter(pk=record.pk).update(breached_at=record.due_at)
    try:
        with transaction.atomic():
            Escalation.objects.create(record=record, stage=stage, fired_at=now)
    except IntegrityError:
        return False
    rules = record.policy.escalations.filter(stage=stage).select_related("agent")
    for rule in rules:
        if not rule.kind or rule.kind == record.kind:
            _apply(rule, ticket)
    live_id = ticket.pk
    transaction.on_commit(lambda: live.ticket_changed(live_id, "updated"))
    return True
