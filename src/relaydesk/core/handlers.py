"""Django's ASGI handler, with a request's middleware and view run in one thread hop."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainHandler(ASGIHandler):
    """Every middleware and view of Relaydesk is synchronous. Django's async chain would leave
    the request's thread for the event loop and come back at each middleware that can run
    either way (sessions, messages, CSP…) and again for the view: nine hops a request, each a
    wake-up of the loop and of the thread. Built as under WSGI, the chain runs in the request's
    thread from the first middleware to the view, and the loop only reads and sends bytes."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # Thread-sensitive, like Django's own hops: the request's one thread, which also runs
        # the request_started and request_finished signals (its database connection).
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
