"""Webhook endpoints and their delivery log over the API (AP2), for administrators."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from relaydesk.accounts.models import Role, User
from relaydesk.api.auth import caller, require_write
from relaydesk.api.problems import COMMON
from relaydesk.webhooks import outbox
from relaydesk.webhooks.models import Delivery, Endpoint, EventType

router = Router(tags=["webhooks"])


class EndpointIn(Schema):
    name: str = Field(max_length=100)
    url: str = Field(max_length=500)
    events: list[EventType] = Field(default=[], description="None: every event.")


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_reason: str


class NewEndpoint(EndpointOut):
    secret: str = Field(description="The signing secret, shown only in this answer.")


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    state: str
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_status: int | None
    last_response: str
    last_error: str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None


def _admin(request: HttpRequest) -> User:
    user = caller(request)
    if user.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators manage webhooks."))
    return user


def _endpoint(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
        "consecutive_failures": endpoint.consecutive_failures,
        "disabled_reason": endpoint.disabled_reason,
    }


def _delivery(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event_id": str(delivery.event_id),
        "event_type": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status": delivery.last_status,
        "last_response": delivery.last_response,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }


@router.get("/webhooks", response={200: list[EndpointOut], **COMMON})
def list_endpoints(request: HttpRequest) -> list[dict[str, Any]]:
    _admin(request)
    return [_endpoint(e) for e in Endpoint.objects.all()]


@router.post("/webhooks", response={201: NewEndpoint, **COMMON})
def add_endpoint(request: HttpRequest, payload: EndpointIn) -> Status[dict[str, Any]]:
    """Subscribe a URL to events. The answer holds the signing secret, once."""
    actor = _admin(request)
    require_write(request)
    endpoint, secret = outbox.create_endpoint(
        actor=actor, name=payload.name, url=payload.url, events=[str(e) for e in payload.events]
    )
    return Status(201, {**_endpoint(endpoint), "secret": secret})


@router.delete("/webhooks/{endpoint_id}", response={204: None, **COMMON})
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> Status[None]:
    _admin(request)
    require_write(request)
    Endpoint.objects.get(pk=endpoint_id).delete()
    return Status(204, None)


@router.get("/webhooks/{endpoint_id}/deliveries", response={200: list[DeliveryOut], **COMMON})
def list_deliveries(
    request: HttpRequest,
    endpoint_id: int,
    state: str | None = Query(None, max_length=10),
    limit: int = Query(50, ge=1, le=100),
) -> list[dict[str, Any]]:
    """The delivery log, newest first."""
    _admin(request)
    deliveries = Endpoint.objects.get(pk=endpoint_id).deliveries.all()
    if state:
        deliveries = deliveries.filter(state=state)
    return [_delivery(d) for d in deliveries[:limit]]


@router.post("/webhook-deliveries/{delivery_id}/redeliver", response={202: DeliveryOut, **COMMON})
def redeliver(request: HttpRequest, delivery_id: int) -> Status[dict[str, Any]]:
    actor = _admin(request)
    require_write(request)
    again = outbox.redeliver(Delivery.objects.get(pk=delivery_id), actor=actor)
    return Status(202, _delivery(again))
