"""SLA in pages: the coloured countdown to a ticket's next due time, and the ticket page's card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from relaydesk.sla import states
from relaydesk.sla.models import Kind, TicketSla
from relaydesk.tickets.models import Ticket

register = template.Library()


def _sla(ticket: Ticket) -> TicketSla | None:
    try:
        return ticket.sla
    except ObjectDoesNotExist:
        return None


def _iso(instant: dt.datetime) -> str:
    return timezone.localtime(instant).isoformat()


def _countdown(sla: TicketSla | None, now: dt.datetime) -> SafeString:
    """The coloured countdown to the next due time; empty when no target runs. Built in Python
    rather than a template: every row of a list shows one."""
    state = states.state_of(sla, now)
    if not state or sla is None:
        return mark_safe("")
    label = states.State(state).label
    due = sla.due_at
    title = format_html("{} · {}", label, Kind(sla.due_kind).label) if sla.due_kind else label
    if due is None:
        return format_html(
            '<span class="sla sla-{}" title="{}">'
            '<span class="visually-hidden">{}: </span>{}</span>',
            state,
            title,
            label,
            label,
        )
    risk = format_html(' data-sla-risk="{}"', _iso(sla.risk_at)) if sla.risk_at else ""
    return format_html(
        '<span class="sla sla-{}" title="{}" data-sla-due="{}"{}>'
        '<span class="visually-hidden">{}: </span><time datetime="{}">{}</time></span>',
        state,
        title,
        _iso(due),
        risk,
        label,
        _iso(due),
        states.countdown(due - now),
    )


@register.simple_tag
def sla_countdown(ticket: Ticket) -> SafeString:
    """`{% sla_countdown ticket %}`: the countdown alone, as lists and the ticket header show it."""
    return _countdown(_sla(ticket), timezone.now())


@register.inclusion_tag("sla/_clock.html")
def sla_clock(ticket: Ticket) -> dict[str, Any]:
    """`{% sla_clock ticket %}`: the ticket page's service-level card: countdown, policy, state
    and every target's due time."""
    now = timezone.now()
    sla = _sla(ticket)
    state = states.state_of(sla, now)
    return {
        "state": state,
        "state_label": states.State(state).label if state else "",
        "countdown": _countdown(sla, now),
        "targets": [
            (Kind.FIRST_RESPONSE.label, ticket.first_response_due_at),
            (Kind.NEXT_RESPONSE.label, ticket.next_response_due_at),
            (Kind.RESOLUTION.label, ticket.resolution_due_at),
        ],
        "policy": sla.policy if sla else None,
    }
