"""Replies find their ticket: headers, subject token, signed reply address (CH3)."""

from datetime import timedelta

import pytest

from relaydesk.mail import ingest
from relaydesk.mail.addresses import reply_address, token_number
from relaydesk.mail.models import InboundMail, Outcome, TicketCC
from relaydesk.mail.tests.conftest import make_mail
from relaydesk.tickets import services
from relaydesk.tickets.models import StatusCategory, Ticket


@pytest.fixture
def first(mailbox, customer) -> Ticket:
    assert ingest.receive(make_mail(subject="Printer on fire")) == Outcome.CREATED
    return Ticket.objects.get()


def test_reply_by_in_reply_to_joins_the_ticket(first):
    original = first.messages.get().message_id
    raw = make_mail(subject="Something else", in_reply_to=f"<{original}>", body="More smoke.")
    assert ingest.receive(raw) == Outcome.THREADED
    assert [m.body_text for m in first.messages.all()][-1] == "More smoke."
    assert Ticket.objects.count() == 1


def test_reply_by_subject_token_joins_the_ticket(first):
    raw = make_mail(subject=f"Re: Printer [#{first.number}]", body="Any news?")
    assert ingest.receive(raw) == Outcome.THREADED
    assert first.messages.count() == 2


def test_the_subject_token_is_configurable(first, settings):
    settings.MAIL_SUBJECT_TOKEN = "Ticket:"
    raw = make_mail(subject=f"Re: Printer [Ticket:{first.number}]")
    assert ingest.receive(raw) == Outcome.THREADED


def test_a_reply_reopens_a_solved_ticket(first, agent):
    services.update_ticket(first, actor=agent, status=StatusCategory.SOLVED)
    ingest.receive(make_mail(subject=f"Re: [#{first.number}]", body="Still broken"))
    first.refresh_from_db()
    assert first.status == StatusCategory.OPEN


def test_a_stranger_using_the_token_opens_a_new_linked_ticket(first, other_customer):
    raw = make_mail(sender=other_customer.email, subject=f"Re: [#{first.number}] hijack")
    assert ingest.receive(raw) == Outcome.CREATED
    new = Ticket.objects.exclude(pk=first.pk).get()
    assert new.requester == other_customer
    assert first.messages.count() == 1
    assert InboundMail.objects.get(ticket=new).related_ticket == first


def test_a_stranger_writing_to_the_signed_reply_address_joins_and_becomes_a_cc(
    first, mailbox, other_customer
):
    address = reply_address(mailbox, first.number)
    assert token_number(address) == first.number
    raw = make_mail(sender=other_customer.email, to=address, subject="Hello", body="I can help")
    assert ingest.receive(raw) == Outcome.THREADED
    assert TicketCC.objects.filter(ticket=first, user=other_customer).exists()


def test_a_forged_reply_address_is_not_trusted(first, mailbox, other_customer):
    forged = f"support+t{first.number}-000000000000@example.com"
    assert token_number(forged) is None
    raw = make_mail(sender=other_customer.email, to=forged, subject="Hello")
    assert ingest.receive(raw) == Outcome.CREATED
    assert first.messages.count() == 1


def test_a_reply_to_a_closed_ticket_opens_a_new_one(first, agent):
    services.update_ticket(first, actor=agent, status=StatusCategory.CLOSED)
    raw = make_mail(subject=f"Re: [#{first.number}]")
    assert ingest.receive(raw) == Outcome.CREATED
    assert InboundMail.objects.get(outcome=Outcome.CREATED, related_ticket=first)


def test_a_reply_to_an_archived_ticket_opens_a_new_linked_one(first, agent):
    from relaydesk.tickets.archive import archive_closed

    services.update_ticket(first, actor=agent, status=StatusCategory.CLOSED)
    Ticket.objects.filter(pk=first.pk).update(updated_at=first.updated_at - timedelta(days=100))
    assert archive_closed(after_days=90) == 1
    raw = make_mail(subject=f"Re: [#{first.number}]", body="It broke again")
    assert ingest.receive(raw) == Outcome.CREATED
    assert InboundMail.objects.get(outcome=Outcome.CREATED, related_ticket=first)
    assert first.messages.count() == 1


def test_a_colleague_copied_on_the_ticket_may_reply(mailbox, customer, colleague):
    ingest.receive(make_mail(cc=colleague.email))
    ticket = Ticket.objects.get()
    raw = make_mail(sender=colleague.email, subject=f"Re: [#{ticket.number}]", body="Me too")
    assert ingest.receive(raw) == Outcome.THREADED


def test_an_auto_reply_on_a_ticket_is_kept_without_mail_back(first, mailbox):
    mailbox.send_acknowledgement = True
    mailbox.save()
    raw = make_mail(
        subject=f"Automatic reply: [#{first.number}]", headers={"Auto-Submitted": "auto-replied"}
    )
    assert ingest.receive(raw) == Outcome.AUTO_REPLY
    assert first.messages.count() == 2
    assert not first.outbound_mail.exists()
