"""Running triggers on a service action's history lines (AU1).

Triggers run in position order. Each one that matches makes its changes as one automated
action, written in the history with the trigger's name. Within one chain of actions a trigger
fires at most once per ticket, so two rules that undo each other cannot loop; a trigger that
fails (its department was deleted, its agent left) records the error on itself and the others
still run.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from relaydesk.automation import compiled, rules
from relaydesk.automation.models import Trigger, TriggerOn
from relaydesk.tickets.models import EventKind, MessageKind, Ticket, TicketEvent


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


def run(
    ticket_id: int,
    lines: list[TicketEvent],
    fired: set[tuple[int, int]],
    *,
    version: int | None = None,
) -> None:
    """Fire the matching triggers once each; `fired` is the chain's record of what ran. The
    ticket is loaded once and read again only after a trigger changed it. `version`: the
    rules' version, when the caller read it."""
    on = happenings(lines)
    if not on:
        return
    candidates = compiled.active_triggers(on, version=version)
    if not candidates:
        return
    reads = {field for trigger in candidates for field, _op, _value in trigger.conditions}
    with translation.override(settings.LANGUAGE_CODE):  # history and errors in one language
        ticket = _load(ticket_id, reads)
        for trigger in candidates:
            if (trigger.pk, ticket_id) in fired:
                continue
            try:
                if not rules.matches(trigger.match, list(trigger.conditions), ticket):
                    continue
                fired.add((trigger.pk, ticket_id))
                cause = _("Trigger: %(name)s") % {"name": trigger.name}
                rules.perform(list(trigger.actions), ticket, cause=cause)
            except ValidationError as error:
                rules.record_error(Trigger, trigger.pk, ticket, "; ".join(error.messages))
            ticket = _load(ticket_id, reads)  # as the trigger (or the rules it set off) left it


def _load(ticket_id: int, reads: set[str]) -> Ticket:
    """The ticket with what the conditions read; the actions load what they need."""
    return rules.loaded(Ticket.objects.filter(pk=ticket_id), reads).get()
