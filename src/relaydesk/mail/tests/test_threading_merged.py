"""Mail to a merged ticket's thread lands on the ticket it was merged into (TK7, CH3)."""

import pytest

from relaydesk.mail import ingest
from relaydesk.mail.models import Outcome
from relaydesk.mail.tests.conftest import make_mail
from relaydesk.tickets.merging import merge_tickets
from relaydesk.tickets.models import Ticket


@pytest.fixture
def merged(mailbox, customer, other_customer, agent):
    """Carol's mailed ticket merged into Dave's."""
    assert ingest.receive(make_mail(subject="Printer on fire")) == Outcome.CREATED
    source = Ticket.objects.get()
    raw = make_mail(sender=other_customer.email, subject="Printers")
    assert ingest.receive(raw) == Outcome.CREATED
    target = Ticket.objects.exclude(pk=source.pk).get()
    merge_tickets(source, into=target, actor=agent)
    return source, target


def test_a_reply_to_the_merged_tickets_mail_lands_on_the_target(merged):
    source, target = merged
    first = target.messages.order_by("created_at", "id").filter(author__email="carol@acme.test")
    raw = make_mail(in_reply_to=f"<{first.get().message_id}>", body="Still smoking.")
    assert ingest.receive(raw) == Outcome.THREADED
    assert target.messages.filter(body_text="Still smoking.").exists()
    assert not source.messages.exists()


def test_the_merged_tickets_subject_token_leads_to_the_target(merged):
    source, target = merged
    raw = make_mail(subject=f"Re: Printer on fire [#{source.number}]", body="Hello again")
    assert ingest.receive(raw) == Outcome.THREADED
    assert target.messages.filter(body_text="Hello again").exists()
    assert Ticket.objects.count() == 2
