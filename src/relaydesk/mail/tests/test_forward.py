"""Forward a ticket to third parties, with CC and BCC; their replies come back (TK10)."""

import email

import pytest
from django.test import override_settings
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.mail import ingest
from relaydesk.mail.models import OutboundMail, Outcome
from relaydesk.mail.tests.conftest import IMMEDIATE, make_mail
from relaydesk.tickets import services
from relaydesk.tickets.models import MessageKind, Ticket


@pytest.fixture
def mailed(mailbox, customer, agent) -> Ticket:
    ingest.receive(make_mail(subject="Broken pallet", body="The pallet arrived broken."))
    ticket = Ticket.objects.get()
    services.add_message(
        ticket, actor=agent, body=services.Body("Secret: the carrier owes us."), internal=True
    )
    return ticket


@override_settings(TASKS=IMMEDIATE)
def test_forward_mails_the_public_conversation_and_the_third_party_reply_comes_back(
    mailed, agent, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(agent).post(
            reverse("mail:forward", args=[mailed.number]),
            {
                "to": "claims@carrier.test",
                "cc": "boss@carrier.test",
                "bcc": "audit@example.net",
                "note": "Please check the claim.",
            },
        )
    assert response.status_code == 302
    [(recipients, raw)] = smtp_server.received
    assert sorted(recipients) == ["audit@example.net", "boss@carrier.test", "claims@carrier.test"]
    sent = email.message_from_bytes(raw)
    assert "Bcc" not in sent
    assert sent["Subject"] == f"Fwd: Broken pallet [#{mailed.number}]"
    text = raw.decode()
    assert "The pallet arrived broken." in text
    assert "Please check the claim." in text
    assert "Secret" not in text
    note = mailed.messages.filter(kind=MessageKind.NOTE).last()
    assert "claims@carrier.test" in note.body_text
    reply = make_mail(
        sender="claims@carrier.test", to=sent["Reply-To"], subject="Re: claim", body="Approved."
    )
    assert ingest.receive(reply) == Outcome.THREADED
    assert mailed.messages.last().body_text == "Approved."


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"to": ""}, "at least one address"),
        ({"to": "not-an-address"}, "not a valid address"),
        ({"to": "a@b.test", "bcc": "x@y.test, <script>"}, "not a valid address"),
        ({"to": ",".join(f"p{i}@b.test" for i in range(21))}, "At most 20"),
    ],
)
def test_bad_recipients_are_refused_and_nothing_is_sent(mailed, agent, fields, error):
    before = mailed.messages.count()
    response = signed_in(agent).post(
        reverse("mail:forward", args=[mailed.number]), fields, follow=True
    )
    assert error in response.content.decode()
    assert not OutboundMail.objects.filter(purpose="forward").exists()
    assert mailed.messages.count() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("customer", 403), ("other_agent", 404), ("readonly_agent", 403)],
)
def test_only_agents_who_may_change_the_ticket_forward_it(mailed, request, persona, status):
    client = signed_in(request.getfixturevalue(persona))
    response = client.post(reverse("mail:forward", args=[mailed.number]), {"to": "x@y.test"})
    assert response.status_code == status
    assert not OutboundMail.objects.filter(purpose="forward").exists()


def test_a_ticket_without_mailbox_cannot_be_forwarded(ticket, agent):
    response = signed_in(agent).post(
        reverse("mail:forward", args=[ticket.number]), {"to": "x@y.test"}, follow=True
    )
    assert "no mailbox to send from" in response.content.decode()
