"""`{% sla_clock ticket %}`: the countdown to a ticket's next due time, coloured by state."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from relaydesk.sla import states
from relaydesk.sla.models import Kind, TicketSla
from relaydesk.tickets.models import Ticket

register = template.Library()


def _sla(ticket: Ticket) -> TicketSla | None:
    try:
        return ticket.sla
    except ObjectDoesNotExist:
        return None


@register.inclusion_tag("sla/_clock.html")
def sla_clock(ticket: Ticket, detail: bool = False) -> dict[str, Any]:
    now = timezone.now()
    sla = _sla(ticket)
    state = states.state_of(sla, now)
    due = sla.due_at if sla else None
    return {
        "state": state,
        "state_label": states.State(state).label if state else "",
        "due": due,
        "risk": sla.risk_at if sla else None,
        "kind_label": Kind(sla.due_kind).label if sla and sla.due_kind else "",
        "countdown": states.countdown(due - now) if due else "",
        "detail": detail,
        "targets": [
            (Kind.FIRST_RESPONSE.label, ticket.first_response_due_at),
            (Kind.NEXT_RESPONSE.label, ticket.next_response_due_at),
            (Kind.RESOLUTION.label, ticket.resolution_due_at),
        ]
        if detail
        else [],
        "policy": sla.policy if sla and detail else None,
    }
