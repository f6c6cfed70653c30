"""Provider inbound webhooks (Mailgun, SendGrid, Postmark, Amazon SES...) through django-anymail.

The request stores the raw mail and answers; a task processes it after commit, so the provider
gets its 200 only once nothing can be lost, and never waits for ticket work.
"""

from __future__ import annotations

from typing import Any

from anymail.signals import AnymailInboundEvent, inbound
from django.db import transaction
from django.dispatch import receiver
from django.tasks import task

from relaydesk.mail import ingest
from relaydesk.mail.addresses import mailbox_for
from relaydesk.mail.models import InboundMail, Outcome, Source


@task()
def process_stored(inbound_id: int) -> None:
    row = InboundMail.objects.filter(pk=inbound_id, outcome=Outcome.RECEIVED).first()
    if row is not None:
        ingest.process(row)


@receiver(inbound, dispatch_uid="relaydesk.mail.inbound")
def store_inbound(sender: Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any) -> None:
    message = event.message
    recipient = str(getattr(message, "envelope_recipient", "") or "")
    row, new = ingest.store(
        message.as_bytes(),
        source=Source.WEBHOOK,
        mailbox=mailbox_for([recipient]) if recipient else None,
        envelope_recipient=recipient,
    )
    if new:
        row_id = row.pk
        transaction.on_commit(lambda: process_stored.enqueue(row_id))
