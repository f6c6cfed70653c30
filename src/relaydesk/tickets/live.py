"""Realtime: tell open pages that a ticket changed (Channels groups).

Desk pages join `ticket_group`; the requester's portal page joins `public_group`, which only
hears of changes the requester may see (the service layer decides: `public=True`). The message
names no content either way: a page that hears it fetches its parts again through the
visibility door."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def public_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}.public"


def ticket_changed(ticket_id: int, what: str, *, public: bool = False) -> None:
    """Called after commit; a failing channel layer never breaks the change itself."""
    layer = get_channel_layer()
    if layer is None:
        return
    groups = [ticket_group(ticket_id)] + ([public_group(ticket_id)] if public else [])
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, {"type": "ticket.changed", "what": what})
    except Exception:
        logger.exception("could not broadcast change of ticket %s", ticket_id)
