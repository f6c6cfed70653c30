"""Notification mails: several events make one mail, in the agent's language; what was read in
the desk before the mail left is not mailed."""

from __future__ import annotations

from django.core import mail

from relaydesk.mailtemplates.models import MailTemplate
from relaydesk.notifications import services
from relaydesk.notifications.models import Event, MailState, Notification


def pending(agent, ticket, count=1):
    for n in range(count):
        Notification.objects.create(
            recipient=agent,
            event=Event.MENTIONED,
            ticket=ticket,
            text=f"note {n}",
            mail_state=MailState.PENDING,
        )


def test_pending_notifications_go_out_in_one_mail(ticket, agent):
    pending(agent, ticket, 3)
    assert services.mail_pending.call(agent.pk) == 3
    [sent] = mail.outbox
    assert "3 new notifications" in sent.subject
    assert sent.body.count(f"#{ticket.number}") >= 3
    assert "/desk/notifications/" in sent.body
    assert services.mail_pending.call(agent.pk) == 0
    assert len(mail.outbox) == 1


def test_read_before_mailing_is_skipped(ticket, agent):
    pending(agent, ticket, 2)
    first = Notification.objects.filter(recipient=agent).first()
    services.mark_read(agent, first.pk)
    assert services.mail_pending.call(agent.pk) == 1
    first.refresh_from_db()
    assert first.mail_state == MailState.SKIPPED


def test_mail_in_the_agents_language(ticket, agent):
    agent.language = "fa"
    agent.save()
    MailTemplate.objects.create(
        purpose="agent_notification",
        language="fa",
        subject="اعلان {{ notification.summary }}",
        body="سلام {{ recipient.name }}\n{{ notification.list }}",
    )
    pending(agent, ticket)
    services.mail_pending.call(agent.pk)
    [sent] = mail.outbox
    assert sent.subject.startswith("اعلان")
    assert sent.body.startswith("سلام Alice Agent")


def test_an_inactive_agent_gets_no_mail(ticket, agent):
    pending(agent, ticket)
    agent.is_active = False
    agent.save()
    assert services.mail_pending.call(agent.pk) == 0
    assert mail.outbox == []
