"""Tickets that wait in the assignment queue (automation's `QueueEntry`) longer than
`QUEUE_WAIT_ALERT_MINUTES`: the department's supervisors are told once per stay in the queue
(administrators when the department has no supervisor)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from relaydesk.accounts.models import Access, Membership, Role, User
from relaydesk.automation.models import QueueEntry
from relaydesk.notifications import services
from relaydesk.notifications.models import Event, QueueAlert

BATCH = 200


def watchers(department_id: int | None) -> list[User]:
    """The department's supervisors; administrators when it has none (or no department)."""
    supervisors = (
        []
        if department_id is None
        else list(
            User.objects.filter(
                is_active=True,
                role=Role.SUPERVISOR,
                pk__in=Membership.objects.filter(department_id=department_id)
                .exclude(access=Access.NONE)
                .values("user_id"),
            )
        )
    )
    return supervisors or list(User.objects.filter(is_active=True, role=Role.ADMIN))


def announce_long_waits(now: dt.datetime | None = None) -> int:
    """Announce each ticket that has waited too long and was not announced for this stay."""
    minutes = settings.QUEUE_WAIT_ALERT_MINUTES
    if minutes <= 0:
        return 0
    now = now or timezone.now()
    announced = QueueAlert.objects.filter(
        ticket_id=OuterRef("ticket_id"), queued_at=OuterRef("queued_at")
    )
    entries = (
        QueueEntry.objects.filter(queued_at__lte=now - dt.timedelta(minutes=minutes))
        .exclude(Exists(announced))
        .select_related("ticket")
        .order_by("queued_at", "id")
    )
    count = 0
    for entry in entries[:BATCH]:
        with transaction.atomic():
            alert, created = QueueAlert.objects.select_for_update().get_or_create(
                ticket_id=entry.ticket_id, defaults={"queued_at": entry.queued_at}
            )
            if not created and alert.queued_at == entry.queued_at:
                continue  # another worker was first
            alert.queued_at = entry.queued_at
            alert.save()
            services.notify(
                recipients=watchers(entry.department_id),
                event=Event.QUEUE_WAIT,
                ticket=entry.ticket,
            )
        count += 1
    return count
