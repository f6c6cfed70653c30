"""Mail in the desk: the quarantine link for administrators (a message's delivery state is
in `mail/jinja2/mail/delivery.jinja`)."""

from __future__ import annotations

from typing import Any

from django import template

from relaydesk.mail.models import InboundMail, Outcome

register = template.Library()


@register.inclusion_tag("mail/desk/quarantine_link.html")
def quarantine_link() -> dict[str, Any]:
    return {"count": InboundMail.objects.filter(outcome=Outcome.QUARANTINED).count()}
