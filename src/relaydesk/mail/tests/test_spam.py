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


def spam_ticket_from(sender: str) -> Ticket:
    ingest.receive(make_mail(sender=sender, subject="Offer"))
    return Ticket.objects.get(requester__email=sender)


def test_agent_blocks_the_whole_domain(spam_ticket, agent):
    url = reverse("mail:spam", args=[spam_ticket.number])
    response = signed_in(agent).post(url, {"block": "domain"})
    assert response.status_code == 302
    assert BlockedSender.objects.get().pattern == "lottery.test"
    spam_ticket.refresh_from_db()
    assert spam_ticket.status == StatusCategory.CLOSED
    other = make_mail(sender="Another <jackpot@lottery.test>", subject="Hi")
    assert ingest.receive(other) == Outcome.SPAM
    assert ingest.receive(make_mail(sender="friend@elsewhere.test")) == Outcome.CREATED


@pytest.mark.parametrize(
    ("sender", "reason"),
    [
        ("someone@gmail.com", "free-mail provider"),
        ("boss@example.com", "one of our own domains"),  # the mailbox's own domain
        ("x@ours.test", "one of our own domains"),  # above a department's mail.ours.test
    ],
)
def test_a_domain_of_ours_or_of_a_free_mail_provider_is_never_blocked(
    mailbox, support, agent, sender, reason
):
    support.email = "team@mail.ours.test"
    support.save()
    ticket = spam_ticket_from(sender)
    client = signed_in(agent)
    page = client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert 'value="domain"' not in page  # not offered
    assert reason in page
    response = client.post(reverse("mail:spam", args=[ticket.number]), {"block": "domain"})
    assert response.status_code == 302
    assert reason in client.get(response.url).content.decode()
    assert not BlockedSender.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == StatusCategory.NEW
    assert not ticket.tags.exists()


def test_the_page_offers_the_domain_when_it_may_be_blocked(spam_ticket, agent):
    page = signed_in(agent).get(reverse("desk:ticket", args=[spam_ticket.number]))
    assert 'value="domain"' in page.content.decode()
    assert "lottery.test" in page.content.decode()


@pytest.mark.parametrize("block", ["everything", "", "domain" * 5000, "address\x00"])
def test_a_malformed_choice_is_refused_and_changes_nothing(spam_ticket, agent, block):
    client = signed_in(agent)
    response = client.post(reverse("mail:spam", args=[spam_ticket.number]), {"block": block})
    assert response.status_code == 302
    assert "block the address or the domain" in client.get(response.url).content.decode()
    assert not BlockedSender.objects.exists()
    spam_ticket.refresh_from_db()
    assert spam_ticket.status == StatusCategory.NEW


@pytest.mark.parametrize(("persona", "status"), [("customer", 403), ("other_agent", 404)])
def test_customers_and_other_departments_cannot_block_a_domain(
    spam_ticket, request, persona, status
):
    client = signed_in(request.getfixturevalue(persona))
    response = client.post(reverse("mail:spam", args=[spam_ticket.number]), {"block": "domain"})
    assert response.status_code == status
    assert not BlockedSender.objects.exists()
