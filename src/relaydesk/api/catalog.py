"""Tags and custom field definitions (AP1)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router, Schema

from relaydesk.api.auth import caller, require_agent
from relaydesk.api.problems import COMMON
from relaydesk.tickets.models import CustomField, Tag

router = Router(tags=["catalog"])


class TagOut(Schema):
    id: int
    name: str
    tickets: int


class CustomFieldOut(Schema):
    key: str
    label: str
    kind: str
    options: list[str]
    ticket_types: list[int]
    customer_visible: bool


@router.get("/tags", response={200: list[TagOut], **COMMON})
def list_tags(request: HttpRequest, q: str | None = Query(None, max_length=50)) -> list[Any]:
    """Tags in use, with how many tickets carry each. Agents only."""
    require_agent(request)
    tags = Tag.objects.annotate(ticket_count=Count("tickets"))
    if q:
        tags = tags.filter(name__icontains=q.strip().lower())
    return [
        {"id": t.pk, "name": t.name, "tickets": t.ticket_count}
        for t in tags.order_by("name")[:1000]
    ]


@router.get("/custom-fields", response={200: list[CustomFieldOut], **COMMON})
def list_custom_fields(request: HttpRequest) -> list[dict[str, Any]]:
    """The ticket fields an admin added; customers get those shown to them."""
    fields = CustomField.objects.prefetch_related("ticket_types")
    if not caller(request).is_agent:
        fields = fields.filter(customer_visible=True)
    return [
        {
            "key": f.key,
            "label": f.label,
            "kind": f.kind,
            "options": f.options,
            "ticket_types": [t.pk for t in f.ticket_types.all()],
            "customer_visible": f.customer_visible,
        }
        for f in fields
    ]
