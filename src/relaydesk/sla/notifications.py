"""Mail to agents when a ticket they look after is at risk or breached (AU6, CO5)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from relaydesk.accounts.models import User
from relaydesk.tickets.models import Ticket


@task()
def notify_escalation(ticket_id: int, stage: str, recipient_ids: list[int]) -> int:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    sent = 0
    for user in User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(email=""):
        context = {
            "ticket": ticket,
            "stage": stage,
            "recipient": user,
            "ticket_url": f"{settings.BASE_URL}/desk/tickets/{ticket.number}/",
            "site_name": settings.SITE_NAME,
        }
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string("sla/mail/escalation_subject.txt", context)
            body = render_to_string("sla/mail/escalation.txt", context)
        EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            to=[user.email],
            headers={"Auto-Submitted": "auto-generated", "X-Relaydesk-Ticket": str(ticket.number)},
        ).send()
        sent += 1
    return sent
