"""Mail to the requester (PO4): an agent's public reply, and a change of the request's status
(heard by the portal from the timeline). Sent by tasks, in the ticket's language, with a link
to the request in the portal, the rating links once it is solved (PO5) and an opt-out. A reply
on a ticket with a mailbox is mailed from the mail outbox instead (`relaydesk.mail.outbound`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from relaydesk.mail.models import OutboundMail
from relaydesk.tickets.models import Message, MessageKind, Ticket, TicketEvent


@task()
def notify_requester(message_id: int) -> None:
    message = (
        Message.objects.select_related("ticket__requester", "author")
        .filter(pk=message_id, kind=MessageKind.REPLY)
        .first()
    )
    if message is None or OutboundMail.objects.filter(ticket_message=message).exists():
        return  # the ticket has a mailbox: the mail outbox sends this reply
    _send(message.ticket, "reply", {"message": message})


@task()
def notify_status_change(event_id: int) -> None:
    event = (
        TicketEvent.objects.select_related("ticket__requester", "ticket__custom_status", "actor")
        .filter(pk=event_id, field="status")
        .first()
    )
    if event is not None:
        _send(event.ticket, "status", {"event": event})


def _send(ticket: Ticket, purpose: str, extra: dict[str, Any]) -> None:
    from relaydesk.portal import links
    from relaydesk.portal.models import wants_ticket_mail

    requester = ticket.requester
    if not requester.is_active or not requester.email or not wants_ticket_mail(requester):
        return
    unsubscribe = links.unsubscribe_url(requester)
    context = {
        "ticket": ticket,
        "recipient": requester,
        "ticket_url": links.request_url(ticket),
        "rating_links": links.rating_links(ticket),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.SITE_NAME,
        **extra,
    }
    with translation.override(ticket.language or requester.language):
        subject = render_to_string(f"tickets/mail/{purpose}_subject.txt", context).strip()
        text = render_to_string(f"tickets/mail/{purpose}.txt", context)
        html = render_to_string(f"tickets/mail/{purpose}.html", context)
    mail = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[requester.email],
        headers={
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
            "X-Relaydesk-Ticket": str(ticket.number),
            "List-Unsubscribe": f"<{unsubscribe}>",
        },
    )
    mail.attach_alternative(html, "text/html")
    mail.send()
