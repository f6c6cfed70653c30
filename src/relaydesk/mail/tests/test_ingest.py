"""Inbound mail to tickets: routing, durability, idempotency, quarantine, loops (CH1, CH3)."""

import pytest

from relaydesk.accounts.models import User
from relaydesk.mail import ingest
from relaydesk.mail.models import (
    BlockedSender,
    DeliveryState,
    InboundMail,
    OutboundMail,
    Outcome,
    Source,
    TicketCC,
)
from relaydesk.mail.tests.conftest import corpus, make_mail
from relaydesk.tickets.models import Channel, Message, Ticket


@pytest.fixture(autouse=True)
def _boxes(mailbox, sales_mailbox):
    pass


def test_mail_to_support_opens_a_support_ticket_from_a_new_customer(support, acme):
    assert ingest.receive(corpus("gmail_new.eml")) == Outcome.CREATED
    ticket = Ticket.objects.get()
    assert ticket.department == support
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "Invoice PDF won’t open"
    zoe = User.objects.get(email="zoe@acme.test")
    assert (ticket.requester, zoe.name, zoe.organization, zoe.is_customer) == (
        zoe,
        "Zoë Müller",
        acme,
        True,
    )
    message = ticket.messages.get()
    assert message.message_id == "CAKx9f2a1B3=gmail-new-1@mail.gmail.com"
    assert "<script" not in message.body_html
    assert "onerror" not in message.body_html
    assert "Could you resend it?" in message.body_text
    [cc] = TicketCC.objects.filter(ticket=ticket)
    assert cc.user.email == "cecil@acme.test"


def test_the_address_picks_the_department(sales):
    ingest.receive(make_mail(to="Sales <sales@example.com>", subject="Quote"))
    ingest.receive(make_mail(to="help@example.com", subject="Alias"))
    assert Ticket.objects.get(subject="Quote").department == sales
    assert Ticket.objects.get(subject="Alias").department.name == "Support"


def test_the_same_mail_twice_makes_one_message():
    raw = corpus("gmail_new.eml")
    assert ingest.receive(raw) == Outcome.CREATED
    assert ingest.receive(raw) == Outcome.DUPLICATE
    relayed = b"Received: from relay.test by mx.example.com\r\n" + raw
    assert ingest.receive(relayed, source=Source.IMAP) == Outcome.DUPLICATE
    assert Message.objects.count() == 1
    assert InboundMail.objects.count() == 2


def test_a_mail_stored_but_never_processed_is_processed_on_the_next_run():
    row, new = ingest.store(corpus("gmail_new.eml"))
    assert new
    assert row.outcome == Outcome.RECEIVED
    assert ingest.receive(corpus("gmail_new.eml")) == Outcome.CREATED
    assert Ticket.objects.count() == 1


def test_unprocessable_mail_is_quarantined_with_its_error_and_can_be_retried(agent, admin_user):
    raw = make_mail(sender="Alice Agent <alice@example.com>", subject="From an agent")
    assert ingest.receive(raw) == Outcome.QUARANTINED
    row = InboundMail.objects.get()
    assert bytes(row.raw) == raw
    assert "belongs to an agent" in row.error
    assert (row.sender, row.subject) == ("alice@example.com", "From an agent")
    assert not Ticket.objects.exists()
    agent.email = "alice@old.example.com"
    agent.save()
    with pytest.raises(ingest.PermissionDenied):
        ingest.retry(row, actor=agent)
    assert ingest.retry(row, actor=admin_user) == Outcome.CREATED
    row.refresh_from_db()
    assert row.outcome == Outcome.CREATED
    assert row.ticket.subject == "From an agent"


def test_an_admin_discards_quarantined_mail_and_the_raw_mail_stays(admin_user, agent):
    ingest.receive(make_mail(sender="alice@example.com"))
    row = InboundMail.objects.get()
    with pytest.raises(ingest.PermissionDenied):
        ingest.discard(row, actor=agent)
    ingest.discard(row, actor=admin_user)
    row.refresh_from_db()
    assert row.outcome == Outcome.DISCARDED
    assert bytes(row.raw)


def test_mail_without_sender_is_quarantined():
    assert ingest.receive(b"Subject: nobody\r\n\r\nhello") == Outcome.QUARANTINED
    assert "no sender" in InboundMail.objects.get().error


def test_oversized_mail_is_refused_before_storing(settings):
    settings.MAIL_MAX_BYTES = 100
    with pytest.raises(ingest.MailTooLarge):
        ingest.receive(make_mail(body="x" * 200))
    assert not InboundMail.objects.exists()


def test_blocked_sender_and_domain_go_to_spam():
    BlockedSender.objects.create(pattern="spam.test")
    BlockedSender.objects.create(pattern="carol@acme.test")
    assert ingest.receive(make_mail(sender="x@spam.test")) == Outcome.SPAM
    assert ingest.receive(make_mail()) == Outcome.SPAM
    assert not Ticket.objects.exists()


def test_a_flood_from_one_sender_is_stopped(settings):
    settings.MAIL_SENDER_LIMIT_PER_HOUR = 2
    outcomes = [
        ingest.receive(make_mail(subject=f"Flood {i}"), source=Source.SMTP) for i in range(3)
    ]
    assert outcomes == [Outcome.CREATED, Outcome.CREATED, Outcome.QUARANTINED]
    assert "Too many" in InboundMail.objects.get(outcome=Outcome.QUARANTINED).error


def test_bounce_marks_the_outbound_mail_failed_and_opens_no_ticket(ticket):
    outbound = OutboundMail.objects.create(
        ticket=ticket,
        purpose="reply",
        from_email="support@example.com",
        to=["nobody@acme.test"],
        subject="Re",
        body_text="Hello",
        message_id="outbound-original-1@example.com",
        state=DeliveryState.SENT,
    )
    assert ingest.receive(corpus("bounce_dsn.eml")) == Outcome.BOUNCE
    outbound.refresh_from_db()
    assert outbound.state == DeliveryState.FAILED
    assert "User unknown" in outbound.last_error
    assert Ticket.objects.count() == 1


def test_vacation_reply_that_matches_nothing_opens_no_ticket():
    assert ingest.receive(corpus("vacation_reply.eml")) == Outcome.AUTO_REPLY
    assert not Ticket.objects.exists()


def test_mail_from_our_own_address_is_a_loop():
    assert ingest.receive(make_mail(sender="support@example.com")) == Outcome.AUTO_REPLY
    assert not Ticket.objects.exists()


def test_inline_image_shows_in_place(support):
    ingest.receive(corpus("outlook_inline_image.eml"))
    message = Message.objects.get()
    [image] = message.attachments.all()
    assert image.content_id == "image001.png@01DB3A2B.5C6D7E80"
    assert f'src="/desk/attachments/{image.pk}/"' in message.body_html
    assert "<details>" in message.body_html


def test_refused_attachments_are_named_and_the_rest_kept():
    ingest.receive(corpus("forward_with_eml.eml"))
    message = Message.objects.get()
    assert sorted(a.filename for a in message.attachments.all()) == [
        "Contract_draft.eml",
        "contract.pdf",
    ]
    assert "setup.exe" in message.body_text
