"""`relaydesk smtpd`: an MTA hands mail over SMTP or LMTP (CH1)."""

import smtplib

import pytest

from relaydesk.mail.management.commands.smtpd import controller
from relaydesk.mail.models import InboundMail, Source
from relaydesk.mail.tests.conftest import free_port, make_mail
from relaydesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listener(mailbox):
    port = free_port()
    server = controller("127.0.0.1", port)
    server.start()
    yield port
    server.stop()


@pytest.fixture
def lmtp_listener(mailbox):
    port = free_port()
    server = controller("127.0.0.1", port, lmtp=True)
    server.start()
    yield port
    server.stop()


def test_mail_handed_over_smtp_becomes_a_ticket(listener, support):
    with smtplib.SMTP("127.0.0.1", listener) as client:
        client.sendmail("carol@acme.test", ["support@example.com"], make_mail())
    ticket = Ticket.objects.get()
    assert ticket.department == support
    assert InboundMail.objects.get().source == Source.SMTP


def test_mail_for_an_unknown_address_is_refused(listener):
    with (
        smtplib.SMTP("127.0.0.1", listener) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        client.sendmail("carol@acme.test", ["nobody@example.com"], make_mail())
    assert not InboundMail.objects.exists()


def test_lmtp_delivery(lmtp_listener):
    with smtplib.LMTP("127.0.0.1", lmtp_listener) as client:
        client.sendmail("carol@acme.test", ["support@example.com"], make_mail())
    assert Ticket.objects.count() == 1
