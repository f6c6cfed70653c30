"""The live request page: the requester's socket hears of public replies and status changes,
never of internal notes or agent-only changes; nobody else may open it.

Channels' `database_sync_to_async` closes a connection that is inside a transaction, so these
tests use a transactional database (as tickets/tests/test_live.py does)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client

from relaydesk.tickets import services
from relaydesk.tickets.models import StatusCategory
from relaydesk.tickets.tests.test_live import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

CHANGED = {"type": "ticket.changed", "what": "message"}
UPDATED = {"type": "ticket.changed", "what": "updated"}


def request_socket(user, number) -> WebsocketCommunicator:
    client = Client()
    client.force_login(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    return WebsocketCommunicator(f"/ws/requests/{number}/", headers)


def heard(watcher, ticket, *changes) -> list:
    """Connects as `watcher`, makes each change (a callable) and returns what the socket got
    after each: the message, or None when nothing came."""
    socket = request_socket(watcher, ticket.number)

    async def scenario():
        connected, _ = await socket.connect()
        assert connected
        got = []
        for change in changes:
            await database_sync_to_async(change)()
            if await socket.receive_nothing(timeout=0.5):
                got.append(None)
            else:
                got.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return got

    return async_to_sync(scenario)()


def test_internal_note_never_reaches_the_customer_but_a_reply_does(ticket, customer, agent):
    got = heard(
        customer,
        ticket,
        lambda: services.add_message(
            ticket, actor=agent, body=services.Body("Secret"), internal=True
        ),
        lambda: services.add_message(ticket, actor=agent, body=services.Body("Hello")),
    )
    assert got == [None, CHANGED]


def test_status_change_reaches_the_customer_and_agent_only_changes_do_not(ticket, customer, agent):
    got = heard(
        customer,
        ticket,
        lambda: services.update_ticket(ticket, actor=agent, tags=["vip"]),
        lambda: services.update_ticket(ticket, actor=agent, assignee=agent),  # also opens it
        lambda: services.update_ticket(ticket, actor=agent, status=StatusCategory.SOLVED),
        lambda: services.set_following(ticket, actor=agent, following=True),
    )
    assert got == [None, UPDATED, UPDATED, None]


def test_internal_note_with_a_status_change_tells_only_that_something_changed(
    ticket, customer, agent
):
    got = heard(
        customer,
        ticket,
        lambda: services.add_message(
            ticket,
            actor=agent,
            body=services.Body("Secret"),
            internal=True,
            status=StatusCategory.PENDING,
        ),
    )
    assert got == [CHANGED]  # no content: the page fetches its parts, which hold no note


def test_colleague_of_a_sharing_organization_may_follow_the_request(ticket, colleague, acme):
    acme.members_see_all_tickets = True
    acme.save()
    got = heard(colleague, ticket, lambda: services.close_request(ticket, actor=ticket.requester))
    assert got == [UPDATED]


@pytest.mark.parametrize("name", ["other_customer", "colleague", "agent", "admin_user"])
def test_others_are_refused(request, name, ticket):
    socket = request_socket(request.getfixturevalue(name), ticket.number)
    assert async_to_sync(socket.connect)() == (False, 4403)


def test_anonymous_and_unknown_requests_are_refused(ticket, customer):
    headers = [(b"origin", b"http://127.0.0.1:8000")]
    socket = WebsocketCommunicator(f"/ws/requests/{ticket.number}/", headers)
    assert async_to_sync(socket.connect)() == (False, 4403)
    socket = request_socket(customer, ticket.number + 1000)
    assert async_to_sync(socket.connect)() == (False, 4403)
