"""Mail out through the outbox, to a real SMTP server (CH2)."""

import email
from email.utils import parseaddr

import pytest
from django.core import mail
from django.test import override_settings

from relaydesk.mail import ingest
from relaydesk.mail.addresses import token_number
from relaydesk.mail.models import DeliveryState, Mailbox, OutboundMail, Outcome
from relaydesk.mail.outbound import deliver
from relaydesk.mail.tests.conftest import IMMEDIATE, make_mail
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket


@pytest.fixture
def mailed_ticket(mailbox, customer) -> Ticket:
    assert ingest.receive(make_mail(subject="Printer on fire")) == Outcome.CREATED
    return Ticket.objects.get()


@override_settings(TASKS=IMMEDIATE)
def test_agent_and_customer_hold_a_conversation_by_mail(
    mailed_ticket, agent, smtp_server, django_capture_on_commit_callbacks
):
    first_id = mailed_ticket.messages.get().message_id
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(mailed_ticket, actor=agent, body=services.Body("Unplug it, please."))
    [(recipients, raw)] = smtp_server.received
    sent = email.message_from_bytes(raw)
    assert recipients == ["carol@acme.test"]
    assert parseaddr(sent["From"]) == ("Alice Agent (Example Support)", "support@example.com")
    assert sent["Subject"] == f"Re: Printer on fire [#{mailed_ticket.number}]"
    assert sent["In-Reply-To"] == f"<{first_id}>"
    assert first_id in sent["References"]
    assert token_number(parseaddr(sent["Reply-To"])[1]) == mailed_ticket.number
    assert "Auto-Submitted" not in sent
    row = OutboundMail.objects.get()
    assert (row.state, row.attempts, sent["Message-ID"]) == (
        DeliveryState.SENT,
        1,
        f"<{row.message_id}>",
    )
    assert not mail.outbox  # the outbox replaced the plain notification

    reply = make_mail(subject=f"Re: {sent['Subject']}", in_reply_to=sent["Message-ID"], body="Ok!")
    assert ingest.receive(reply) == Outcome.THREADED
    assert mailed_ticket.messages.last().body_text == "Ok!"


@override_settings(TASKS=IMMEDIATE)
def test_internal_notes_are_never_mailed(mailed_ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(mailed_ticket, actor=agent, body=services.Body("x"), internal=True)
    assert not OutboundMail.objects.exists()


@override_settings(TASKS=IMMEDIATE)
def test_acknowledgement_is_marked_automatic(
    mailbox, smtp_server, django_capture_on_commit_callbacks
):
    mailbox.send_acknowledgement = True
    mailbox.save()
    with django_capture_on_commit_callbacks(execute=True):
        ingest.receive(make_mail())
    [(_, raw)] = smtp_server.received
    sent = email.message_from_bytes(raw)
    assert sent["Auto-Submitted"] == "auto-replied"
    assert "We have received your request" in raw.decode()


def test_a_failed_delivery_is_retried_then_marked_failed(mailed_ticket, agent, settings):
    from relaydesk.settings import mailer_from_url

    settings.MAILERS = {"default": mailer_from_url("smtp://127.0.0.1:1")}  # nothing listens
    services.add_message(mailed_ticket, actor=agent, body=services.Body("Hello"))
    row = OutboundMail.objects.get()
    deliver.call(row.pk)
    row.refresh_from_db()
    assert row.state == DeliveryState.QUEUED
    assert row.attempts == 1
    assert "ConnectionRefused" in row.last_error
    assert row.next_attempt_at is not None
    for _ in range(5):
        deliver.call(row.pk)
    row.refresh_from_db()
    assert row.state == DeliveryState.FAILED


@override_settings(TASKS=IMMEDIATE)
def test_a_mailbox_sends_through_its_own_smtp_server(
    mailed_ticket, mailbox, agent, smtp_server, settings, django_capture_on_commit_callbacks
):
    mailbox.smtp_url = f"smtp://127.0.0.1:{smtp_server.port}"
    mailbox.save()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(mailed_ticket, actor=agent, body=services.Body("Via own server"))
    assert len(smtp_server.received) == 1
    assert not mail.outbox


def test_mailbox_secrets_are_stored_encrypted(mailbox):
    mailbox.imap_password = "s3cret-pass"
    mailbox.save()
    stored = Mailbox.objects.values_list("imap_password_encrypted", flat=True).get()
    assert "s3cret-pass" not in stored
    assert Mailbox.objects.get().imap_password == "s3cret-pass"


def test_a_ticket_without_mailbox_still_gets_the_plain_notification(ticket, agent):
    services.add_message(ticket, actor=agent, body=services.Body("Hello"))
    assert not OutboundMail.objects.exists()
