"""The live ticket page: the websocket consumer behind the real ASGI stack, on the in-memory
and on a real Redis channel layer.

Channels' `database_sync_to_async` closes a connection that is inside a transaction, so these
tests use a transactional database."""

import json
import socket
import uuid

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client, override_settings

from relaydesk.asgi import application
from relaydesk.tickets import services

REDIS = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db(transaction=True)


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


class WebsocketCommunicator(ApplicationCommunicator):
    """The websocket half of `channels.testing.WebsocketCommunicator`, whose package needs
    daphne, which Relaydesk does not install."""

    def __init__(self, path, headers):
        scope = {"type": "websocket", "path": path, "headers": headers, "subprotocols": []}
        super().__init__(application, scope)

    async def connect(self):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(5)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def receive_json_from(self, timeout):
        response = await self.receive_output(timeout)
        return json.loads(response["text"])

    async def disconnect(self):
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


def communicator(user, number):
    client = Client()
    client.force_login(user)
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    return WebsocketCommunicator(f"/ws/desk/tickets/{number}/", headers)


def watch_reply(ticket, watcher, author):
    """Connects as `watcher`, lets `author` reply, returns what the socket got."""

    socket = communicator(watcher, ticket.number)

    async def scenario():
        connected, _ = await socket.connect()
        assert connected
        await database_sync_to_async(services.add_message)(
            ticket, actor=author, body=services.Body("live")
        )
        received = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return received

    return async_to_sync(scenario)()


def test_agent_who_sees_the_ticket_is_told_when_it_changes(ticket, agent, readonly_agent):
    received = watch_reply(ticket, readonly_agent, agent)
    assert received == {"type": "ticket.changed", "what": "message"}


@pytest.mark.parametrize("name", ["customer", "other_agent"])
def test_customers_and_agents_of_other_departments_are_refused(request, name, ticket):
    socket = communicator(request.getfixturevalue(name), ticket.number)
    assert async_to_sync(socket.connect)() == (False, 4403)


def test_unknown_ticket_is_refused(agent, ticket):
    socket = communicator(agent, ticket.number + 1000)
    assert async_to_sync(socket.connect)() == (False, 4403)


@pytest.mark.skipif(not redis_reachable(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_change_reaches_the_page_through_redis(ticket, agent, supervisor):
    layer = {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS], "prefix": f"relaydesk-test-{uuid.uuid4().hex}"},
    }
    with override_settings(CHANNEL_LAYERS={"default": layer}):
        assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
        received = watch_reply(ticket, supervisor, agent)
    assert received == {"type": "ticket.changed", "what": "message"}
