"""A mailbox may send the customer a copy of the whole conversation with each reply: the
earlier public messages quoted, newest first, in text and HTML, never an internal note.
Sent through a real SMTP server."""

from __future__ import annotations

import email
from email.message import Message as MailMessage

import pytest
from django.test import override_settings
from django.urls import reverse

from relaydesk.accounts.models import User
from relaydesk.conftest import signed_in
from relaydesk.mail import ingest
from relaydesk.mail.models import Mailbox, Outcome
from relaydesk.mail.tests.conftest import IMMEDIATE, make_mail
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket


def parts(raw: bytes) -> tuple[str, str]:
    sent = email.message_from_bytes(raw)
    found: dict[str, str] = {}
    for part in sent.walk():
        if part.get_content_type() in ("text/plain", "text/html") and not part.get_filename():
            found[part.get_content_type()] = _decoded(part)
    return found["text/plain"], found.get("text/html", "")


def _decoded(part: MailMessage) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8").replace("\r\n", "\n")


@pytest.fixture
def conversation(mailbox: Mailbox, agent: User) -> Ticket:
    """A customer's mail, an internal note, a public reply, the customer's answer by mail."""
    raw = make_mail(subject="Printer on fire", body="It started <b>smoking</b> this morning.")
    assert ingest.receive(raw) == Outcome.CREATED
    ticket = Ticket.objects.get()
    first = ticket.messages.get()
    services.add_message(
        ticket, actor=agent, body=services.Body("SECRET-NOTE: he broke it"), internal=True
    )
    services.add_message(ticket, actor=agent, body=services.Body("Did you unplug it?"))
    answer = make_mail(
        subject="Re: Printer on fire",
        body="Yes, still smoking.\nSecond line.",
        in_reply_to=f"<{first.message_id}>",
    )
    assert ingest.receive(answer) == Outcome.THREADED
    return ticket


def reply_by_mail(client, ticket: Ticket, smtp_server, capture) -> tuple[str, str]:
    with capture(execute=True):
        response = client.post(
            reverse("desk:reply", args=[ticket.number]),
            {"body": "A technician is on the way.", "internal": "", "status": ""},
        )
    assert response.status_code == 302
    [(_recipients, raw)] = smtp_server.received
    return parts(raw)


@override_settings(TASKS=IMMEDIATE)
def test_a_reply_quotes_the_earlier_public_conversation_newest_first_without_notes(
    mailbox, conversation, agent, smtp_server, django_capture_on_commit_callbacks
):
    mailbox.send_conversation = True
    mailbox.save()
    text, html = reply_by_mail(
        signed_in(agent), conversation, smtp_server, django_capture_on_commit_callbacks
    )
    assert text.index("A technician is on the way.") < text.index("Earlier in this conversation")
    answer = text.index("> Yes, still smoking.\n> Second line.")
    question = text.index("> Did you unplug it?")
    opening = text.index("> It started <b>smoking</b> this morning.")
    assert answer < question < opening  # newest first
    assert text.count("A technician is on the way.") == 1  # the reply itself is not quoted
    assert "Alice Agent wrote:" in text
    assert "Carol Customer wrote:" in text
    assert "SECRET-NOTE" not in text
    assert "SECRET-NOTE" not in html
    assert "Earlier in this conversation" in html
    assert html.index("Yes, still smoking.") < html.index("Did you unplug it?")
    assert "It started &lt;b&gt;smoking&lt;/b&gt; this morning." in html  # escaped, never markup
    assert "<b>smoking</b>" not in html


@override_settings(TASKS=IMMEDIATE)
def test_without_the_setting_a_reply_quotes_nothing(
    mailbox, conversation, agent, smtp_server, django_capture_on_commit_callbacks
):
    assert not Mailbox._meta.get_field("send_conversation").default
    text, html = reply_by_mail(
        signed_in(agent), conversation, smtp_server, django_capture_on_commit_callbacks
    )
    assert "A technician is on the way." in text
    assert "Earlier in this conversation" not in text + html
    assert "Did you unplug it?" not in text + html


@override_settings(TASKS=IMMEDIATE)
def test_the_first_reply_has_only_the_customers_request_quoted(
    mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    mailbox.send_conversation = True
    mailbox.save()
    assert ingest.receive(make_mail(body="Where is my order?")) == Outcome.CREATED
    text, _html = reply_by_mail(
        signed_in(agent), Ticket.objects.get(), smtp_server, django_capture_on_commit_callbacks
    )
    assert "> Where is my order?" in text
