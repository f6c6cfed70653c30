"""The webhook outbox: every ticket event becomes a persisted delivery per subscribed endpoint
(in the event's transaction), sent by a task after commit, retried with backoff, and the
endpoint disabled after persistent failures with a notice to the administrators (AP2)."""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Role, User
from relaydesk.api import serialize
from relaydesk.core.kept import Kept
from relaydesk.tickets.events import once_per_action
from relaydesk.tickets.models import EventKind, Ticket, TicketEvent
from relaydesk.webhooks import keys, signing, transport
from relaydesk.webhooks.models import Delivery, DeliveryState, Endpoint, EventType

logger = logging.getLogger(__name__)

EVENT_TYPES: dict[str, str] = {  # a kind added elsewhere and not listed sends nothing
    EventKind.CREATED: EventType.TICKET_CREATED,
    EventKind.MESSAGE: EventType.MESSAGE_CREATED,
    EventKind.FIELD: EventType.TICKET_UPDATED,
    EventKind.TAGS: EventType.TICKET_UPDATED,
    EventKind.TRANSFER: EventType.TICKET_UPDATED,
    EventKind.TIME: EventType.TIME_LOGGED,
}
BACKOFF_BASE = 30  # seconds; attempt n waits BACKOFF_BASE * 4 ** (n - 1), at most a day
BACKOFF_MAX = 24 * 3600
STUCK_AFTER_MIN = 300  # seconds an attempt may take before the sweeper retries it
SWEEP_BATCH = 500


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(BACKOFF_BASE * 4 ** (attempts - 1), BACKOFF_MAX))


def payload_for(event: TicketEvent, ticket: Ticket, event_type: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": event_type,
        "occurred_at": event.created_at,
        "actor": serialize.ref(event.actor),
        "ticket": serialize.ticket(ticket, viewer=None),
    }
    if event.message is not None:
        data["message"] = serialize.message(event.message)
    if event_type == EventType.TICKET_UPDATED:
        data["change"] = {"field": event.field, "before": event.before, "after": event.after}
    if event_type == EventType.TIME_LOGGED:
        data["time"] = {"minutes": (event.after or {}).get("minutes"), "note": event.note}
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def on_event(sender: Any, *, event: TicketEvent, ticket: Ticket, **kwargs: Any) -> None:
    """`event_recorded` receiver, inside the change's transaction: the outbox rows commit or
    roll back with the change itself."""
    event_type = EVENT_TYPES.get(event.kind)
    if event_type is None:
        return
    if _batch_endpoints.get() is None and not any(
        e.wants(event_type) for e in _kept_listeners.get()
    ):
        return
    active = once_per_action("webhooks.endpoints", _active_endpoints)
    endpoints = [e for e in active if e.wants(event_type)]
    if not endpoints:
        return
    queue(endpoints, event_type, payload_for(event, _with_relations(ticket), event_type))


_batch_endpoints: ContextVar[list[Endpoint] | None] = ContextVar(
    "relaydesk_webhooks_batch", default=None
)


@contextmanager
def endpoints_read_once() -> Iterator[None]:
    """Inside, the active endpoints are read once (an import's batch of mails, in one
    transaction) rather than at every history line."""
    token = _batch_endpoints.set(list(Endpoint.objects.filter(is_active=True)))
    try:
        yield
    finally:
        _batch_endpoints.reset(token)


def _active_endpoints() -> list[Endpoint]:
    cached = _batch_endpoints.get()
    return cached if cached is not None else list(Endpoint.objects.filter(is_active=True))


def _listened() -> list[Endpoint]:
    return list(Endpoint.objects.filter(is_active=True).only("events"))


# Whether any endpoint listens, kept for a second (`core.kept`), so that an event nobody
# subscribes to costs no query: an endpoint saved here counts at once, elsewhere within a
# second. The endpoints a delivery goes to are read afresh.
_kept_listeners = Kept(_listened)
for _signal in (post_save, post_delete):
    _signal.connect(_kept_listeners.forget, sender=Endpoint, dispatch_uid="webhook-listeners")


def _with_relations(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related(
        "requester", "assignee", "department", "organization", "type", "custom_status"
    ).get(pk=ticket.pk)


def queue(endpoints: list[Endpoint], event_type: str, payload: dict[str, Any]) -> None:
    """Outbox rows in the caller's transaction; the deliveries are enqueued after commit."""
    deliveries = Delivery.objects.bulk_create(
        Delivery(endpoint=e, event_type=event_type, payload=payload) for e in endpoints
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [deliver.enqueue(i) for i in ids])


def rule_called(endpoint: Endpoint, *, ticket: Ticket, rule: str) -> None:
    """A trigger's or time rule's "call a webhook" action: one signed delivery to this endpoint
    (whatever events it subscribes to), written in the rule's transaction."""
    data = {
        "type": EventType.RULE_CALLED,
        "occurred_at": timezone.now(),
        "rule": rule,
        "ticket": serialize.ticket(_with_relations(ticket), viewer=None),
    }
    payload = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    queue([endpoint], EventType.RULE_CALLED, payload)


def body_of(delivery: Delivery) -> bytes:
    envelope = {"id": str(delivery.event_id), **delivery.payload}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def lease() -> datetime.timedelta:
    """How long an attempt may stay "sending" before the sweeper takes it for a crashed
    worker's: well past the transport's timeouts, so a slow answer is not sent twice."""
    return datetime.timedelta(seconds=max(STUCK_AFTER_MIN, 10 * settings.WEBHOOK_TIMEOUT))


def claim(delivery_id: int) -> bool:
    """Take a pending delivery for one attempt with a conditional UPDATE, so two workers never
    send it at once. While "sending", `next_attempt_at` is when the attempt counts as lost."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=timezone.now() + lease(),
        )
    )


@task()
def deliver(delivery_id: int) -> None:
    """One attempt; nothing is locked while the request is in flight."""
    if not claim(delivery_id):
        return
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = body_of(delivery)
    headers = {
        signing.HEADER: signing.sign(keys.unseal(endpoint.sealed_secret), body, int(time.time())),
        "Relaydesk-Event": delivery.event_type,
        "Relaydesk-Delivery": str(delivery.event_id),
    }
    status: int | None = None
    response = error = ""
    permanent = False
    try:
        answer = transport.post(endpoint.url, body, headers)
        status, response = answer.status, answer.body
    except transport.Refused as refused:
        error, permanent = str(refused), True
    except (OSError, ValueError) as failure:  # timeouts, refused connections, TLS, bad answers
        error = f"{type(failure).__name__}: {failure}"[:500]
    _record(delivery, status=status, response=response, error=error, permanent=permanent)


def _record(
    delivery: Delivery, *, status: int | None, response: str, error: str, permanent: bool
) -> None:
    now = timezone.now()
    ok = status is not None and 200 <= status < 300
    delivery.last_status, delivery.last_response, delivery.last_error = status, response, error
    if ok:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryState.DELIVERED,
            now,
            None,
        )
    elif permanent or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.state = DeliveryState.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()
    endpoints = Endpoint.objects.filter(pk=delivery.endpoint_id)
    if ok:
        endpoints.update(consecutive_failures=0)
        return
    endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
    if delivery.state == DeliveryState.PENDING:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    disabled = endpoints.filter(
        is_active=True, consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER
    ).update(
        is_active=False,
        disabled_reason=_("Disabled after %(n)d failed deliveries in a row.")
        % {"n": settings.WEBHOOK_DISABLE_AFTER},
    )
    if disabled:
        notify_disabled.enqueue(delivery.endpoint_id)


def sweep_stuck_deliveries(*, now: datetime.datetime | None = None) -> int:
    """Deliveries a crashed worker left "sending" past their lease go back to pending and are
    enqueued again (or fail, if that was their last attempt). Receivers drop the repeat, if
    the lost attempt did arrive, by the event id. Run it periodically; it answers how many it
    took back."""
    now = now or timezone.now()
    stuck = Delivery.objects.filter(state=DeliveryState.SENDING, next_attempt_at__lt=now)
    retried: list[int] = []
    with transaction.atomic():
        for delivery in stuck.order_by("next_attempt_at")[:SWEEP_BATCH]:
            last = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
            taken = stuck.filter(pk=delivery.pk).update(  # unless its worker finished meanwhile
                state=DeliveryState.FAILED if last else DeliveryState.PENDING,
                next_attempt_at=None if last else now,
                last_error=_("The worker stopped during attempt %(n)d.") % {"n": delivery.attempts},
            )
            if taken and not last:
                retried.append(delivery.pk)
        transaction.on_commit(lambda: [deliver.enqueue(i) for i in retried])
    return len(retried)


@task()
def notify_disabled(endpoint_id: int) -> None:
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    admins = list(
        User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True)
    )
    if endpoint is None or not admins:
        return
    send_mail(
        subject=_("Webhook disabled: %(name)s") % {"name": endpoint.name},
        message=_(
            "The webhook endpoint %(name)s (%(url)s) failed %(n)d times in a row and is now "
            "disabled. See its delivery log in %(admin)s, fix the receiver, then turn it on "
            "again and redeliver what it missed."
        )
        % {
            "name": endpoint.name,
            "url": endpoint.url,
            "n": endpoint.consecutive_failures,
            "admin": f"{settings.BASE_URL}/admin/webhooks/delivery/",
        },
        from_email=None,
        recipient_list=admins,
    )


@transaction.atomic
def redeliver(delivery: Delivery, *, actor: User) -> Delivery:
    """Send an event again (same event id, so receivers can tell a repeat): a new delivery."""
    if actor.role != Role.ADMIN:
        raise ValidationError(_("Only administrators redeliver webhooks."))
    if not Endpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
        raise ValidationError(_("Turn the endpoint on before redelivering."))
    again = Delivery.objects.create(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
    )
    transaction.on_commit(lambda: deliver.enqueue(again.pk))
    return again


def create_endpoint(
    *, actor: User, name: str, url: str, events: list[str] | None = None
) -> tuple[Endpoint, str]:
    """A new endpoint and its signing secret (shown to the caller once more here)."""
    if actor.role != Role.ADMIN:
        raise ValidationError(_("Only administrators add webhooks."))
    unknown = sorted(set(events or []) - set(EventType.values))
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(e)s") % {"e": ", ".join(unknown)}})
    try:
        transport.check_url(url)
    except transport.Refused as refused:
        raise ValidationError({"url": str(refused)}) from None
    secret = keys.new_secret()
    endpoint = Endpoint(
        name=" ".join((name or "").split())[:100],
        url=url,
        events=sorted(set(events or [])),
        sealed_secret=keys.seal(secret),
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret
