from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from relaydesk.accounts.models import User
from relaydesk.automation import macros
from relaydesk.automation.models import AgentState, Availability
from relaydesk.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def availability_of(user: User) -> str:
    """The signed-in agent's availability, for the top bar's switch (read with the person:
    accounts.backends.EmailBackend.get_user)."""
    try:
        return user.agent_state.availability
    except AgentState.DoesNotExist:
        return Availability.ONLINE


@register.simple_tag
def availability_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Availability.choices]


@register.inclusion_tag("automation/_composer_tools.html", takes_context=True)
def composer_tools(context: dict[str, Any], ticket: Ticket, editable: bool) -> dict[str, Any]:
    """The composer's canned response search and, for those who may change the ticket, the
    macro picker (shared macros and the agent's own, the ticket's language first)."""
    user = context["request"].user
    return {"ticket": ticket, "macros": macros.for_ticket(user, ticket) if editable else []}


@register.filter
def duration_minutes(minutes: int) -> str:
    """A time rule's time in its largest whole unit: "5 days", "3 hours", "30 minutes"."""
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
