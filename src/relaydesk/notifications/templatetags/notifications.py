from __future__ import annotations

from django import template

from relaydesk.accounts.models import User
from relaydesk.notifications import services

register = template.Library()


@register.inclusion_tag("notifications/_bell.html")
def notification_bell(user: User) -> dict[str, int]:
    return {"unread": services.unread_count(user)}
