from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from relaydesk.accounts.models import User
from relaydesk.automation.models import AgentState, Availability, Macro
from relaydesk.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def availability_of(user: User) -> str:
    """The signed-in agent's availability, for the top bar's switch."""
    state = AgentState.objects.filter(user=user).values_list("availability", flat=True).first()
    return state or Availability.ONLINE


@register.simple_tag
def availability_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Availability.choices]


@register.inclusion_tag("automation/_composer_tools.html")
def composer_tools(ticket: Ticket, editable: bool) -> dict[str, Any]:
    """The composer's canned response search and, for those who may change the ticket, the
    macro picker."""
    return {"ticket": ticket, "macros": list(Macro.objects.all()) if editable else []}


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
