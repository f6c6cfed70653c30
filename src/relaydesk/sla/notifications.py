"""Mail to agents when a ticket they look after is at risk or breached (AU6, CO5)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task

from relaydesk.accounts.models import User
from relaydesk.mailtemplates.compose import compose
from relaydesk.tickets.models import Ticket


@task()
def notify_escalation(ticket_id: int, stage: str, recipient_ids: list[int]) -> int:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    sent = 0
    for user in User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(email=""):
        composed = compose(
            "sla_breached" if stage == "breached" else "sla_at_risk",
            language=user.language or settings.LANGUAGE_CODE,
            values={
                "recipient.name": user.display_name,
                "link.url": f"{settings.BASE_URL}/desk/tickets/{ticket.number}/",
            },
            ticket=ticket,
        )
        EmailMessage(
            subject=composed.subject,
            body=composed.text,
            to=[user.email],
            headers={"Auto-Submitted": "auto-generated", "X-Relaydesk-Ticket": str(ticket.number)},
        ).send()
        sent += 1
    return sent
