"""Snooze (TK8): a snoozed ticket is *pending* with an alarm, `snoozed_until`.

It sits in the desk's "waiting" group (and the SLA clock pauses where pending pauses it) until
the time comes, or until something else moves it: a customer's message or any status other than
pending ends the snooze (`services._set_status`). Waking is a periodic job
(`tickets/periodic.py`) over the partial index on `snoozed_until`, not one timer task per
ticket: snoozes are often changed or ended early, and a sweep has no stale tasks to cancel and
survives any restart.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.tickets import events
from relaydesk.tickets.models import StatusCategory, Ticket
from relaydesk.tickets.services import (
    _locked,
    _on_commit_broadcast,
    _require_agent_can_change,
    _set_status,
    _touch,
)

logger = logging.getLogger(__name__)

MAX_AHEAD = dt.timedelta(days=366)
WAKE_BATCH = 1000  # tickets woken per run; the next run (a minute later) goes on


@transaction.atomic
def snooze(ticket: Ticket, *, actor: User, until: dt.datetime | None) -> Ticket:
    """Snooze until `until` (an aware instant in the future, at most a year ahead), or wake the
    ticket now with `None`."""
    ticket = _locked(ticket)
    _require_agent_can_change(actor, ticket)
    now = timezone.now()
    if until is None:
        if ticket.snoozed_until is not None:
            _set_status(
                ticket, actor=actor, status=StatusCategory.OPEN, custom_status=None, now=now
            )
            _on_commit_broadcast(ticket, "updated", public=True)
        return ticket
    if timezone.is_naive(until):
        raise ValidationError({"until": _("Give the time with its time zone.")})
    if until <= now:
        raise ValidationError({"until": _("Choose a time in the future.")})
    if until > now + MAX_AHEAD:
        raise ValidationError({"until": _("A ticket can be snoozed for at most a year.")})
    if ticket.merged_into_id is not None or ticket.is_closed:
        raise ValidationError({"until": _("A solved or closed ticket cannot be snoozed.")})
    if ticket.status != StatusCategory.PENDING:
        _set_status(ticket, actor=actor, status=StatusCategory.PENDING, custom_status=None, now=now)
    before = ticket.snoozed_until
    _touch(ticket, snoozed_until=until)
    events.snooze_changed(ticket, actor=actor, before=before, after=until)
    _on_commit_broadcast(ticket, "updated", public=True)
    return ticket


def wake_due(now: dt.datetime | None = None) -> int:
    """Wake the tickets whose snooze has ended (oldest first); how many were woken. Each ticket
    is its own transaction, and one that fails is logged and left for the next run."""
    now = now or timezone.now()
    due = list(
        Ticket.objects.filter(snoozed_until__lte=now)
        .order_by("snoozed_until")
        .values_list("pk", flat=True)[:WAKE_BATCH]
    )
    woken = 0
    for pk in due:
        try:
            woken += _wake(pk, now)
        except Exception:
            logger.exception("could not wake snoozed ticket %s", pk)
    return woken


@transaction.atomic
def _wake(pk: int, now: dt.datetime) -> bool:
    ticket = _locked(Ticket(pk=pk))
    if ticket.snoozed_until is None or ticket.snoozed_until > now:
        return False  # woken or snoozed again meanwhile
    _set_status(ticket, actor=None, status=StatusCategory.OPEN, custom_status=None, now=now)
    _on_commit_broadcast(ticket, "updated", public=True)
    return True
