"""Django's ASGI handler, with each request's synchronous work done in one go on a pool of
reused threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import HttpResponseBase
from django.urls import set_script_prefix

# One thread per pooled database connection: a thread keeps its connection for one request.
THREADS = settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size", 8)


class SyncChainHandler(ASGIHandler):
    """Every middleware and view of Relaydesk is synchronous. Django's own handler starts a
    new thread for each request and, with its async middleware chain, leaves that thread for
    the event loop and comes back at each middleware that can run either way and for the
    view: nine hops a request. Here the chain is built as under WSGI, and a request's
    `request_started`, middleware, view and `request_finished` run in one call on a thread of
    a fixed pool (so its database connection is taken and given back in that thread); the loop
    only reads and sends bytes. Streaming responses (files) are sent as Django sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.executor = ThreadPoolExecutor(THREADS, thread_name_prefix="relaydesk-http")

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await sync_to_async(
                self._respond, thread_sensitive=False, executor=self.executor
            )(scope, body_file)
            if response.streaming:
                async with ThreadSensitiveContext():
                    await self.send_response(response, send)
                    await sync_to_async(response.close)()
            else:
                await self.send_response(response, send)
        finally:
            body_file.close()

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """The response, complete and closed (its `request_finished` sent) unless it streams."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
        assert response is not None
        if response.streaming:
            close_old_connections()  # the content is read in another thread: give this one's back
        else:
            response.close()
        return response
