"""HTTP through the real ASGI application (`core/handlers.py`): a request's whole synchronous
part runs in one call on a pooled thread, with its database connection taken and given back
there; files stream as Django streams them."""

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from relaydesk.api import tokens
from relaydesk.api.models import Scope
from relaydesk.asgi import application
from relaydesk.core.handlers import THREADS, SyncChainHandler
from relaydesk.tickets import services
from relaydesk.tickets.tests.helpers import upload

pytestmark = pytest.mark.django_db(transaction=True)


def request(
    path: str, *, method: str = "GET", query: str = "", headers: tuple = (), body: bytes = b""
) -> tuple[int, dict, bytes]:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
    }

    async def exchange() -> tuple[int, dict, bytes]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": body})
        start = await communicator.receive_output(10)
        parts = []
        while True:
            message = await communicator.receive_output(10)
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await communicator.wait(10)
        return start["status"], dict(start["headers"]), b"".join(parts)

    return async_to_sync(exchange)()


def bearer(user, scope=Scope.READ) -> tuple[bytes, bytes]:
    return (
        b"authorization",
        f"Bearer {tokens.issue(user=user, name='asgi', scope=scope)}".encode(),
    )


def test_http_goes_through_the_handler_and_every_middleware(db):
    assert isinstance(application.application_mapping["http"], SyncChainHandler)
    status, headers, body = request("/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    # Set by middleware on the way out: security, clickjacking, CSP.
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
    assert headers[b"X-Frame-Options"] == b"DENY"
    assert b"Content-Security-Policy" in headers
    assert request("/no/such/page")[0] == 404


def test_requests_give_their_database_connection_back(agent, ticket):
    """More requests than threads and pooled connections: each one's connection went back."""
    auth = bearer(agent)
    for _ in range(THREADS + 4):
        status, headers, body = request("/api/v1/tickets", query="limit=5", headers=(auth,))
        assert status == 200, body
        assert [t["number"] for t in json.loads(body)["items"]] == [ticket.number]
    status, headers, body = request("/api/v1/tickets", headers=((b"authorization", b"Bearer x"),))
    assert status == 401
    assert headers[b"Content-Type"] == b"application/problem+json"


def test_a_body_is_read_and_a_file_streams(agent, ticket):
    auth = bearer(agent, Scope.WRITE)
    sent = json.dumps({"subject": "Via ASGI", "body": "x", "requester_email": "a@b.test"})
    status, _headers, body = request(
        "/api/v1/tickets",
        method="POST",
        headers=(auth, (b"content-type", b"application/json")),
        body=sent.encode(),
    )
    assert status == 201, body
    assert json.loads(body)["subject"] == "Via ASGI"
    message = services.add_message(
        ticket, actor=agent, body=services.Body("file"), attachments=[upload("a.txt", b"RTFM")]
    )
    attachment = message.attachments.get()
    for _ in range(THREADS + 2):  # streamed responses give their connection back too
        status, _headers, body = request(f"/api/v1/attachments/{attachment.pk}", headers=(auth,))
        assert status == 200
        assert body == b"RTFM"
