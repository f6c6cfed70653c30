"""Mail to the requester when an agent replies publicly (PO4's start), sent by a task, for
tickets without a mailbox; with one, `relaydesk.mail.outbound` sends it from the outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from relaydesk.mail.models import OutboundMail
from relaydesk.tickets.models import Message, MessageKind


@task()
def notify_requester(message_id: int) -> None:
    message = (
        Message.objects.select_related("ticket__requester", "author")
        .filter(pk=message_id, kind=MessageKind.REPLY)
        .first()
    )
    if message is None or OutboundMail.objects.filter(ticket_message=message).exists():
        return  # the ticket has a mailbox: the mail outbox sends this reply
    ticket = message.ticket
    requester = ticket.requester
    if not requester.is_active or not requester.email:
        return
    context = {
        "ticket": ticket,
        "message": message,
        "recipient": requester,
        "ticket_url": f"{settings.BASE_URL}/",
        "site_name": settings.SITE_NAME,
    }
    with translation.override(ticket.language or requester.language):
        subject = render_to_string("tickets/mail/reply_subject.txt", context).strip()
        text = render_to_string("tickets/mail/reply.txt", context)
        html = render_to_string("tickets/mail/reply.html", context)
    mail = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[requester.email],
        headers={
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
            "X-Relaydesk-Ticket": str(ticket.number),
        },
    )
    mail.attach_alternative(html, "text/html")
    mail.send()
