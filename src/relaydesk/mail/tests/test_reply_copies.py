"""Cc and Bcc in the desk's reply composer (TK10): validated, kept on the reply, sent through
a real SMTP server alongside the ticket's own CCs."""

import email

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from relaydesk.conftest import signed_in
from relaydesk.mail import ingest
from relaydesk.mail.models import OutboundMail, Outcome
from relaydesk.mail.tests.conftest import IMMEDIATE, make_mail
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Message, MessageKind, Ticket


@pytest.fixture
def mailed_ticket(mailbox) -> Ticket:
    raw = make_mail(subject="Printer on fire", cc="dave@acme.test")
    assert ingest.receive(raw) == Outcome.CREATED
    return Ticket.objects.get()


def post_reply(client, ticket, **fields):
    data = {"body": "Sent a technician.", "internal": "", "status": "", **fields}
    return client.post(reverse("desk:reply", args=[ticket.number]), data)


@override_settings(TASKS=IMMEDIATE)
def test_reply_goes_to_the_added_cc_and_bcc_and_the_ticket_ccs(
    mailed_ticket, agent, smtp_server, django_capture_on_commit_callbacks
):
    client = signed_in(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_reply(
            client, mailed_ticket, cc="Erin@Partner.test; carol@acme.test", bcc="boss@acme.test"
        )
    assert response.status_code == 302
    reply = Message.objects.get(kind=MessageKind.REPLY)
    assert reply.headers == {"Cc": "erin@partner.test, carol@acme.test", "Bcc": "boss@acme.test"}
    row = OutboundMail.objects.get(ticket_message=reply)
    assert row.cc == ["dave@acme.test", "erin@partner.test"]  # the requester is the To
    assert row.bcc == ["boss@acme.test"]
    [(recipients, raw)] = smtp_server.received
    assert sorted(recipients) == [
        "boss@acme.test",
        "carol@acme.test",
        "dave@acme.test",
        "erin@partner.test",
    ]
    sent = email.message_from_bytes(raw)
    assert sent["Cc"] == "dave@acme.test, erin@partner.test"
    assert "Bcc" not in sent  # blind copies stay blind
    assert "boss@acme.test" not in raw.decode()
    page = client.get(reverse("desk:ticket", args=[mailed_ticket.number])).content.decode()
    assert "Cc: erin@partner.test, carol@acme.test" in page
    assert "Bcc: boss@acme.test" in page


def test_a_reply_without_copies_keeps_no_headers(mailed_ticket, agent):
    post_reply(signed_in(agent), mailed_ticket)
    reply = Message.objects.get(kind=MessageKind.REPLY)
    assert reply.headers == {}
    assert OutboundMail.objects.get(ticket_message=reply).cc == ["dave@acme.test"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"cc": "not an address"}, "not an address is not a valid address"),
        ({"bcc": "<script>@x"}, "is not a valid address"),
        ({"cc": ",".join(f"p{n}@acme.test" for n in range(21))}, "At most 20 recipients"),
        ({"cc": "a@acme.test," * 200}, "at most 2000 characters"),
        ({"cc": "erin@partner.test", "internal": "on"}, "Internal notes are not mailed"),
    ],
)
def test_bad_copies_are_refused_and_nothing_is_written(mailed_ticket, agent, fields, error):
    response = post_reply(signed_in(agent), mailed_ticket, **fields)
    assert response.status_code == 422
    assert error in response.content.decode().replace("&lt;", "<")
    assert not Message.objects.exclude(kind=MessageKind.CUSTOMER).exists()
    assert not OutboundMail.objects.exists()


def test_copies_need_a_mailbox_to_send_from(agent, customer, support):
    ticket = services.create_ticket(
        actor=agent,
        requester=customer,
        subject="By phone",
        body=services.Body("Hi"),
        channel=Channel.PHONE,
        department=support,
    )
    response = post_reply(signed_in(agent), ticket, cc="erin@partner.test")
    assert response.status_code == 422
    assert "no mailbox to send from" in response.content.decode()


def test_customers_cannot_send_copies_through_the_service(mailed_ticket):
    with pytest.raises(ValidationError):
        services.add_message(
            mailed_ticket,
            actor=mailed_ticket.requester,
            body=services.Body("Me too"),
            headers={"Cc": "erin@partner.test"},
        )


@pytest.mark.parametrize(("persona", "status"), [("other_agent", 404), ("customer", 403)])
def test_others_are_refused(persona, status, request):
    person = request.getfixturevalue(persona)  # before the mail makes its sender a customer
    ticket = request.getfixturevalue("mailed_ticket")
    response = post_reply(signed_in(person), ticket, cc="erin@partner.test")
    assert response.status_code == status
    assert not OutboundMail.objects.exists()
