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
    from relaydesk.mailtemplates.compose import compose
    from relaydesk.portal import links
    from relaydesk.portal.models import wants_ticket_mail

    requester = ticket.requester
    if not requester.is_active or not requester.email or not wants_ticket_mail(requester):
        return
    unsubscribe = links.unsubscribe_url(requester)
    context = {
        "ticket": ticket,
        "ticket_url": links.request_url(ticket),
        "rating_links": links.rating_links(ticket),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.SITE_NAME,
    }
    message = extra.get("message")
    language = ticket.language or requester.language
    with translation.override(language):
        footer_text = render_to_string("tickets/mail/_footer.txt", context)
        footer_html = render_to_string("tickets/mail/_footer.html", context)
    composed = compose(
        purpose,
        language=language,
        values={"message.body": message.body_text} if message else {},
        ticket=ticket,
        agent=message.author if message else None,
        footer_text=footer_text,
        footer_html=footer_html,
    )
    mail = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        to=[requester.email],
        headers={
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
            "X-Relaydesk-Ticket": str(ticket.number),
            "List-Unsubscribe": f"<{unsubscribe}>",
        },
    )
    mail.attach_alternative(composed.html, "text/html")
    mail.send()
