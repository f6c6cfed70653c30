"""Mail's receivers on the ticket timeline: a public reply becomes an outbox row."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from relaydesk.mail.outbound import public_reply_added
from relaydesk.tickets.models import EventKind, MessageKind, Ticket, TicketEvent
from relaydesk.tickets.signals import event_recorded


@receiver(event_recorded, dispatch_uid="relaydesk.mail.reply")
def mail_public_reply(sender: Any, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    if event.kind == EventKind.MESSAGE and event.field == MessageKind.REPLY and event.message:
        public_reply_added(event.message)
