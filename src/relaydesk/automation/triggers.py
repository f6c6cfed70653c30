"""Running triggers on a service action's history lines (AU1).

Triggers run in position order. Each one that matches makes its changes as one automated
action, written in the history with the trigger's name. Within one chain of actions a trigger
fires at most once per ticket, so two rules that undo each other cannot loop; a trigger that
fails (its department was deleted, its agent left) records the error on itself and the others
still run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relaydesk.automation import rules
from relaydesk.automation.models import Trigger, TriggerOn
from relaydesk.notifications import services as notifications
from relaydesk.notifications.models import Event
from relaydesk.tickets import events, services
from relaydesk.tickets.models import EventKind, MessageKind, Ticket, TicketEvent

logger = logging.getLogger(__name__)


def happenings(lines: Iterable[TicketEvent]) -> set[str]:
    """Which trigger events a service action's history lines amount to."""
    found: set[str] = set()
    for line in lines:
        if line.kind == EventKind.CREATED:
            found.add(TriggerOn.CREATED)
        elif line.kind == EventKind.MESSAGE and line.field == MessageKind.CUSTOMER:
            found.add(TriggerOn.CUSTOMER_REPLIED)
        elif line.kind == EventKind.MESSAGE and line.field == MessageKind.REPLY:
            found.add(TriggerOn.AGENT_REPLIED)
        elif line.kind in (EventKind.FIELD, EventKind.TAGS, EventKind.TRANSFER):
            found.add(TriggerOn.UPDATED)
            if line.field == "status":
                found.add(TriggerOn.STATUS_CHANGED)
            if line.field == "assignee" and line.after is not None:
                found.add(TriggerOn.ASSIGNED)
            if line.kind == EventKind.TRANSFER and (line.after or {}).get("assignee"):
                found.add(TriggerOn.ASSIGNED)
    if TriggerOn.CREATED in found:  # a new ticket's first lines are not an "update"
        found -= {TriggerOn.UPDATED, TriggerOn.STATUS_CHANGED, TriggerOn.ASSIGNED}
    return found


def active_triggers(on: set[str]) -> list[Trigger]:
    return list(
        Trigger.objects.filter(is_active=True, on__in=on).prefetch_related("conditions", "actions")
    )


def conditions_of(trigger: Trigger) -> list[tuple[str, str, str]]:
    return [(c.field, c.operator, c.value) for c in trigger.conditions.all()]


def run(ticket_id: int, lines: list[TicketEvent], fired: set[tuple[int, int]]) -> None:
    """Fire the matching triggers once each; `fired` is the chain's record of what ran."""
    on = happenings(lines)
    if not on:
        return
    candidates = active_triggers(on)
    if not candidates:
        return
    with translation.override(settings.LANGUAGE_CODE):  # history and errors in one language
        ticket = _load(ticket_id)
        for trigger in candidates:
            if (trigger.pk, ticket_id) in fired:
                continue
            try:
                if not rules.matches(trigger.match, conditions_of(trigger), ticket):
                    continue
                fired.add((trigger.pk, ticket_id))
                apply(trigger, ticket)
            except ValidationError as error:
                _failed(trigger, ticket, "; ".join(error.messages))
            ticket = _load(ticket_id)  # as the trigger (or the rules it set off) left it


def _load(ticket_id: int) -> Ticket:
    return (
        Ticket.objects.select_related("department", "requester", "organization", "type")
        .prefetch_related("tags")
        .get(pk=ticket_id)
    )


def apply(trigger: Trigger, ticket: Ticket) -> None:
    actions = [(a.kind, a.value) for a in trigger.actions.all()]
    cause = _("Trigger: %(name)s") % {"name": trigger.name}
    with transaction.atomic(), events.caused_by(cause):
        plan = rules.plan(actions, ticket)
        if plan.changes:
            services.automated_update(ticket, **plan.changes)
        for text in plan.notes:
            services.automated_message(ticket, text=text, internal=True)
        for text in plan.replies:
            services.automated_message(ticket, text=text, internal=False)
        for people, text in plan.notices:
            notifications.notify(recipients=people, event=Event.TRIGGER, ticket=ticket, text=text)


def _failed(trigger: Trigger, ticket: Ticket, message: str) -> None:
    logger.warning("trigger %s failed on ticket %s: %s", trigger.pk, ticket.number, message)
    Trigger.objects.filter(pk=trigger.pk).update(
        last_error=f"#{ticket.number}: {message}"[:1000], last_error_at=timezone.now()
    )
