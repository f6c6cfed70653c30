"""Realtime: tell open desk pages that a ticket changed (Channels groups)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def ticket_changed(ticket_id: int, what: str) -> None:
    """Called after commit; a failing channel layer never breaks the change itself."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            ticket_group(ticket_id), {"type": "ticket.changed", "what": what}
        )
    except Exception:
        logger.exception("could not broadcast change of ticket %s", ticket_id)
