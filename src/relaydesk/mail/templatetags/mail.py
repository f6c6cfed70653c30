"""Mail in the desk: the quarantine link for administrators (a message's delivery state is
in `mail/jinja2/mail/delivery.jinja`)."""

from __future__ import annotations

from typing import Any

from django import template

from relaydesk.desk import reference
from relaydesk.mail.models import InboundMail, Outcome
from relaydesk.mail.spam import domain_of, domain_refusal
from relaydesk.tickets.models import Ticket

register = template.Library()


@register.inclusion_tag("mail/desk/quarantine_link.html")
def quarantine_link() -> dict[str, Any]:
    return {"count": InboundMail.objects.filter(outcome=Outcome.QUARANTINED).count()}


@register.inclusion_tag("mail/desk/spam_form.html")
def spam_form(ticket: Ticket) -> dict[str, Any]:
    """Mark as spam, blocking the requester's address or, where allowed, their domain."""
    address = ticket.requester.email
    domain = domain_of(address)
    return {
        "ticket": ticket,
        "address": address,
        "domain": domain,
        # The form's hint: our domains from the process's reference lists, not two queries
        # per ticket page (marking as spam checks the database).
        "refusal": domain_refusal(domain, ours=reference.our_domains),
    }
