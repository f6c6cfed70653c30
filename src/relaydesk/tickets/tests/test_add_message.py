"""Replies, internal notes and customer messages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relaydesk.tickets import services
from relaydesk.tickets.models import (
    CustomStatus,
    Direction,
    EventKind,
    MessageKind,
    StatusCategory,
    Ticket,
)
from relaydesk.tickets.tests.helpers import nothing_changes, upload

Body = services.Body


def reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_public_reply_records_first_response_and_opens_the_ticket(ticket, agent):
    message = services.add_message(ticket, actor=agent, body=Body("On it."))
    assert (message.kind, message.direction, message.author) == (
        MessageKind.REPLY,
        Direction.OUTBOUND,
        agent,
    )
    fresh = reload(ticket)
    assert fresh.status == StatusCategory.OPEN
    first = fresh.first_responded_at
    assert first is not None
    services.add_message(ticket, actor=agent, body=Body("Still on it."))
    assert reload(ticket).first_responded_at == first
    event = ticket.events.get(kind=EventKind.FIELD, field="status")
    assert (event.before["id"], event.after["id"]) == ("new", "open")
    assert ticket.events.filter(kind=EventKind.MESSAGE, message=message).exists()


def test_internal_note_neither_responds_nor_changes_status(ticket, agent):
    note = services.add_message(ticket, actor=agent, body=Body("hmm"), internal=True)
    assert (note.kind, note.direction) == (MessageKind.NOTE, Direction.INTERNAL)
    fresh = reload(ticket)
    assert fresh.first_responded_at is None
    assert fresh.status == StatusCategory.NEW


def test_reply_with_status_change(ticket, agent):
    services.add_message(ticket, actor=agent, body=Body("Done."), status=StatusCategory.SOLVED)
    fresh = reload(ticket)
    assert fresh.status == StatusCategory.SOLVED
    assert fresh.solved_at is not None


def test_reply_with_custom_status(ticket, agent):
    waiting = CustomStatus.objects.create(name="Waiting for parts", category=StatusCategory.ON_HOLD)
    services.add_message(ticket, actor=agent, body=Body("Ordered."), status=f"custom:{waiting.pk}")
    fresh = reload(ticket)
    assert (fresh.status, fresh.custom_status) == (StatusCategory.ON_HOLD, waiting)


def test_customer_message_reopens_a_solved_ticket(ticket, agent, customer):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.SOLVED)
    message = services.add_message(ticket, actor=customer, body=Body("Not fixed!"))
    assert (message.kind, message.direction) == (MessageKind.CUSTOMER, Direction.INBOUND)
    fresh = reload(ticket)
    assert fresh.status == StatusCategory.OPEN
    assert fresh.solved_at is None


def test_customer_cannot_write_on_a_closed_ticket(ticket, agent, customer, media_root):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.CLOSED)
    with nothing_changes(media_root), pytest.raises(ValidationError):
        services.add_message(ticket, actor=customer, body=Body("Hello?"), attachments=[upload()])


@pytest.mark.parametrize("extra", [{"internal": True}, {"status": StatusCategory.SOLVED}])
def test_customer_cannot_write_notes_or_set_status(ticket, customer, extra):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.add_message(ticket, actor=customer, body=Body("x"), **extra)


@pytest.mark.parametrize("name", ["readonly_agent", "other_agent", "other_customer", "colleague"])
def test_outsiders_and_read_only_agents_cannot_write(request, name, ticket):
    actor = request.getfixturevalue(name)
    for internal in (False, True):
        with nothing_changes(), pytest.raises(PermissionDenied):
            services.add_message(ticket, actor=actor, body=Body("x"), internal=internal)


def test_colleague_writes_when_organization_shares(ticket, colleague, acme):
    acme.members_see_all_tickets = True
    acme.save()
    colleague.refresh_from_db()
    assert services.add_message(ticket, actor=colleague, body=Body("me too")).author == colleague


def test_inactive_customer_cannot_write(ticket, customer):
    customer.is_active = False
    customer.save()
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.add_message(ticket, actor=customer, body=Body("x"))


@pytest.mark.parametrize(
    ("extra", "exception"),
    [
        ({"body": Body("")}, ValidationError),
        ({"body": Body(" ", "<p> </p>")}, ValidationError),
        ({"body": Body("x" * 200_001)}, ValidationError),
        ({"body": Body("x"), "status": "bogus"}, ValidationError),
        ({"body": Body("x"), "status": "custom:999"}, ValidationError),
        ({"body": Body("x"), "attachments": [upload("run.bat")]}, ValidationError),
    ],
)
def test_bad_messages_change_nothing(ticket, agent, media_root, extra, exception):
    files = [upload("ok.txt")] if "attachments" not in extra else extra.pop("attachments")
    with nothing_changes(media_root), pytest.raises(exception):
        services.add_message(ticket, actor=agent, attachments=files, **extra)


def test_mentions_only_agents_who_can_see_the_ticket(
    ticket, agent, supervisor, readonly_agent, other_agent, customer
):
    text = "@super and @rita@example.com, ask @bob and @carol; mail x@alice"
    note = services.add_message(ticket, actor=agent, body=Body(text), internal=True)
    assert set(note.mentions.all()) == {supervisor, readonly_agent}


def test_customer_messages_mention_nobody(ticket, customer, agent):
    message = services.add_message(ticket, actor=customer, body=Body("@alice help"))
    assert not message.mentions.exists()


def test_hostile_html_in_a_reply_is_sanitized(ticket, agent):
    html = '<a href="javascript:alert(1)" onmouseover="x()">link</a><iframe src="//e"></iframe>'
    message = services.add_message(ticket, actor=agent, body=Body("", html))
    assert "javascript" not in message.body_html
    assert "onmouseover" not in message.body_html
    assert "iframe" not in message.body_html
    assert message.body_text == "link"
