"""HTTP through the real ASGI application: the whole middleware chain and the view run in the
request's one thread (`core/handlers.py`), with their database connection."""

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from relaydesk.api import tokens
from relaydesk.api.models import Scope
from relaydesk.asgi import application
from relaydesk.core.handlers import SyncChainHandler

pytestmark = pytest.mark.django_db(transaction=True)


def request(path: str, *, query: str = "", headers: tuple = ()) -> tuple[int, dict, bytes]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
    }

    async def exchange() -> tuple[int, dict, bytes]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(10)
        body = await communicator.receive_output(10)
        await communicator.wait(10)
        return start["status"], dict(start["headers"]), body["body"]

    return async_to_sync(exchange)()


def test_http_goes_through_the_one_hop_handler_and_every_middleware(db):
    assert isinstance(application.application_mapping["http"], SyncChainHandler)
    status, headers, body = request("/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    # Set by middleware on the way out: security, clickjacking, CSP.
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
    assert headers[b"X-Frame-Options"] == b"DENY"
    assert b"Content-Security-Policy" in headers


def test_an_api_request_reads_the_database_in_its_thread(agent, ticket):
    raw = tokens.issue(user=agent, name="asgi", scope=Scope.READ)
    auth = (b"authorization", f"Bearer {raw}".encode())
    for _ in range(3):  # connections go back to the pool between requests
        status, headers, body = request("/api/v1/tickets", query="limit=5", headers=(auth,))
        assert status == 200, body
        assert [t["number"] for t in json.loads(body)["items"]] == [ticket.number]
    status, headers, body = request("/api/v1/tickets", headers=((b"authorization", b"Bearer x"),))
    assert status == 401
    assert headers[b"Content-Type"] == b"application/problem+json"
