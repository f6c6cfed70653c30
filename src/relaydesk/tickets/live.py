"""Realtime: tell open pages that a ticket changed (Channels groups).

Desk pages join `ticket_group`; the requester's portal page joins `public_group`, which only
hears of changes the requester may see (the service layer decides: `public=True`). The message
names no content either way: a page that hears it fetches its parts again through the
visibility door."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def public_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}.public"


Announcement = tuple[str, dict[str, Any]]
_together: ContextVar[list[Announcement] | None] = ContextVar(
    "relaydesk_live_together", default=None
)


def ticket_changed(ticket_id: int, what: str, *, public: bool = False) -> None:
    """Called after commit; a failing channel layer never breaks the change itself."""
    groups = [ticket_group(ticket_id)] + ([public_group(ticket_id)] if public else [])
    announcements = [(group, {"type": "ticket.changed", "what": what}) for group in groups]
    waiting = _together.get()
    if waiting is not None:
        waiting.extend(announcements)
    else:
        _send(announcements)


@contextmanager
def sent_together() -> Iterator[None]:
    """Inside (an import's batch of mails), what is announced is sent when the block ends, in
    one trip into the channel layer's event loop rather than one per change."""
    waiting: list[Announcement] = []
    token = _together.set(waiting)
    try:
        yield
    finally:
        _together.reset(token)
        _send(waiting)


def _send(announcements: list[Announcement]) -> None:
    layer = get_channel_layer()
    if layer is None or not announcements:
        return
    if isinstance(layer, InMemoryChannelLayer) and not any(
        layer.groups.get(group) for group, _message in announcements
    ):
        return  # nobody listens: this layer reaches no other process, and no page here joined

    async def send_all() -> None:
        for group, message in announcements:
            await layer.group_send(group, message)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("could not broadcast %s ticket changes", len(announcements))
