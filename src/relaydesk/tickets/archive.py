"""Archive (TK13): closed tickets nobody touched for `ARCHIVE_AFTER_DAYS` leave the Closed list.

An archived ticket keeps its status ("closed") and gains `archived_at`: it stays searchable and
reachable by number, a customer's reply to it opens a new linked ticket as for any closed
ticket, and reopening it (any status but closed) brings it back. Archiving leaves `updated_at`
alone: it is not activity, and the lists keep ordering the ticket by its last real change."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relaydesk.tickets import events
from relaydesk.tickets.models import StatusCategory, Ticket

BATCH = 500
MAX_BATCHES = 20  # per run: a backlog is worked off over several runs, never in one long go


def due(now: dt.datetime, after_days: int) -> QuerySet[Ticket]:
    """Closed, not yet archived, untouched since the cutoff: the partial index
    `ticket_to_archive` holds exactly these rows, oldest first."""
    cutoff = now - dt.timedelta(days=after_days)
    return Ticket.objects.filter(
        status=StatusCategory.CLOSED, archived_at__isnull=True, updated_at__lt=cutoff
    ).order_by("updated_at")


@transaction.atomic
def archive_batch(*, now: dt.datetime, after_days: int, size: int = BATCH) -> int:
    """Archive up to `size` due tickets in one transaction, one history line each; rows another
    transaction holds are skipped (taken next time). The number archived."""
    tickets = list(due(now, after_days).select_for_update(skip_locked=True)[:size])
    if not tickets:
        return 0
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(archived_at=now)
    with translation.override(settings.LANGUAGE_CODE):
        cause = _("Archive")
    with events.caused_by(cause):
        for ticket in tickets:
            ticket.archived_at = now
            events.field_changed(
                ticket,
                actor=None,
                field="archived_at",
                before=None,
                after={"id": now.isoformat(), "label": now.date().isoformat()},
            )
    return len(tickets)


def archive_closed(*, after_days: int, now: dt.datetime | None = None) -> int:
    """Archive what is due, batch after batch (each its own transaction), at most
    MAX_BATCHES batches; the number archived. `after_days` 0 archives nothing."""
    if after_days <= 0:
        return 0
    now = now or timezone.now()
    done = 0
    for _batch in range(MAX_BATCHES):
        archived = archive_batch(now=now, after_days=after_days)
        done += archived
        if archived < BATCH:
            break
    return done
