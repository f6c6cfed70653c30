"""The portal listens to the ticket timeline: a status change mails the requester (PO4)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from relaydesk.tickets import events
from relaydesk.tickets.models import EventKind, MessageKind, Ticket, TicketEvent
from relaydesk.tickets.notifications import notify_status_change
from relaydesk.tickets.signals import event_recorded


@receiver(event_recorded, dispatch_uid="portal.status_mail")
def mail_status_change(sender: Any, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    if event.kind != EventKind.FIELD or event.field != "status":
        return
    if event.actor_id == ticket.requester_id:
        return  # they did it themselves
    previous = events.previous_line(event, ticket)
    if previous is not None and (previous.kind, previous.field, previous.actor_id) == (
        EventKind.MESSAGE,
        MessageKind.REPLY,
        event.actor_id,
    ):
        return  # a reply with a new status: the reply's mail tells both
    event_id = event.pk
    transaction.on_commit(lambda: notify_status_change.enqueue(event_id))
