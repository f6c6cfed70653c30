"""Mark as spam and block the sender (TK9)."""

import pytest
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.mail import ingest
from relaydesk.mail.models import BlockedSender, Outcome
from relaydesk.mail.tests.conftest import make_mail
from relaydesk.tickets.models import StatusCategory, Ticket


@pytest.fixture
def spam_ticket(mailbox) -> Ticket:
    ingest.receive(make_mail(sender="Win Big <winner@lottery.test>", subject="You won"))
    return Ticket.objects.get()


def test_agent_marks_spam_and_later_mail_from_the_sender_is_spam(spam_ticket, agent):
    response = signed_in(agent).post(reverse("mail:spam", args=[spam_ticket.number]))
    assert response.status_code == 302
    spam_ticket.refresh_from_db()
    assert spam_ticket.status == StatusCategory.CLOSED
    assert list(spam_ticket.tags.values_list("name", flat=True)) == ["spam"]
    assert BlockedSender.objects.get().pattern == "winner@lottery.test"
    assert spam_ticket.events.filter(field="status").exists()
    assert ingest.receive(make_mail(sender="winner@lottery.test", subject="Again")) == Outcome.SPAM
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("customer", 403), ("other_agent", 404), ("readonly_agent", 403)],
)
def test_only_agents_who_may_change_the_ticket_mark_spam(spam_ticket, request, persona, status):
    client = signed_in(request.getfixturevalue(persona))
    assert client.post(reverse("mail:spam", args=[spam_ticket.number])).status_code == status
    assert not BlockedSender.objects.exists()
    spam_ticket.refresh_from_db()
    assert spam_ticket.status == StatusCategory.NEW


def test_mark_spam_is_post_only(spam_ticket, agent):
    assert signed_in(agent).get(reverse("mail:spam", args=[spam_ticket.number])).status_code == 405
    assert not BlockedSender.objects.exists()


def test_the_ticket_page_offers_mark_as_spam_to_agents_who_may_change_it(
    spam_ticket, agent, readonly_agent
):
    url = reverse("desk:ticket", args=[spam_ticket.number])
    assert "Mark as spam" in signed_in(agent).get(url).content.decode()
    assert "Mark as spam" not in signed_in(readonly_agent).get(url).content.decode()
