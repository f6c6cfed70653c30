"""Live ticket page: an open page learns when its ticket changed and refreshes its parts."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from relaydesk.accounts.models import User
from relaydesk.tickets.live import ticket_group
from relaydesk.tickets.visibility import visible_tickets


@database_sync_to_async
def _visible_ticket_id(user: Any, number: int) -> int | None:
    if not isinstance(user, User) or not user.is_agent:
        return None
    return visible_tickets(user).filter(number=number).values_list("id", flat=True).first()


class TicketConsumer(AsyncJsonWebsocketConsumer):
    """Joins the group `group_for` names for the ticket in the path, or refuses (4403)."""

    group: str | None = None

    async def group_for(self, user: Any, number: int) -> str | None:
        ticket_id = await _visible_ticket_id(user, number)
        return None if ticket_id is None else ticket_group(ticket_id)

    async def connect(self) -> None:
        number = int(self.scope["url_route"]["kwargs"]["number"])
        group = await self.group_for(self.scope.get("user"), number)
        if group is None:
            await self.close(code=4403)
            return
        self.group = group
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ticket.changed", "what": event["what"]})
