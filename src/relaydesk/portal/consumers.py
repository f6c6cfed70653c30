"""Live request page: the requester's page learns when its request changed in a way they may
see (a public reply, the status) and fetches its parts again. It joins only the ticket's public
group, so an internal note or a property only agents see never reaches it."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from relaydesk.accounts.models import User
from relaydesk.desk.consumers import TicketConsumer
from relaydesk.tickets.live import public_group
from relaydesk.tickets.visibility import visible_tickets


@database_sync_to_async
def _own_request_id(user: Any, number: int) -> int | None:
    if not isinstance(user, User) or user.is_agent:
        return None
    return visible_tickets(user).filter(number=number).values_list("id", flat=True).first()


class RequestConsumer(TicketConsumer):
    async def group_for(self, user: Any, number: int) -> str | None:
        ticket_id = await _own_request_id(user, number)
        return None if ticket_id is None else public_group(ticket_id)
