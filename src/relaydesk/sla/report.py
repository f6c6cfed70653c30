"""SLA achievement (SL4): per policy, target, department, agent or period, over the cycle
records of the tickets this person may see. Merged tickets and spam (closed and tagged spam)
are left out; a deleted ticket takes its records with it.

A decided target counts for the agent who had the ticket when it was breached or met (kept on
the record); a running one for the current assignee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relaydesk.accounts.models import User
from relaydesk.mail.spam import SPAM_TAG
from relaydesk.sla.models import Kind, Record
from relaydesk.tickets.models import StatusCategory, Ticket
from relaydesk.tickets.visibility import visible_tickets

DECIDED = Q(met_at__isnull=False) | Q(breached_at__isnull=False)

GROUPS: dict[str, tuple[Any, Any]] = {
    "policy": (gettext_lazy("Policy"), F("policy__name")),
    "kind": (gettext_lazy("Target"), F("kind")),
    "department": (gettext_lazy("Department"), F("ticket__department__name")),
    "agent": (
        gettext_lazy("Agent"),
        Case(When(DECIDED, then=F("agent__name")), default=F("ticket__assignee__name")),
    ),
    "week": (gettext_lazy("Week"), TruncWeek("started_at")),
    "month": (gettext_lazy("Month"), TruncMonth("started_at")),
}


@dataclass(frozen=True)
class Row:
    label: str
    total: int
    achieved: int
    breached: int
    running: int

    @property
    def rate(self) -> float | None:
        """Achieved out of decided (achieved + breached), in percent."""
        decided = self.achieved + self.breached
        return round(100 * self.achieved / decided, 1) if decided else None


def period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the end of `end`, in the viewer's time zone."""
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time(), zone)
    return since, dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone)


def records(user: User, start: dt.date, end: dt.date) -> QuerySet[Record]:
    since, until = period(start, end)
    spam = Ticket.tags.through.objects.filter(tag__name=SPAM_TAG).values("ticket_id")
    tickets = (
        visible_tickets(user)
        .filter(merged_into=None)
        .exclude(Q(status=StatusCategory.CLOSED) & Q(pk__in=spam))
        .values("pk")
    )
    return Record.objects.filter(ticket__in=tickets, started_at__gte=since, started_at__lt=until)


def _label(group: str, value: Any) -> str:
    if value is None or value == "":
        return _("(unassigned)") if group == "agent" else _("(none)")
    if group == "kind":
        return str(Kind(value).label)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    return str(value)


def rows(user: User, *, group: str, start: dt.date, end: dt.date) -> list[Row]:
    now = timezone.now()
    breached = Q(breached_at__isnull=False) | Q(met_at=None, due_at__lte=now)
    achieved = Q(met_at__isnull=False, breached_at=None)
    result = (
        records(user, start, end)
        .annotate(group=GROUPS[group][1])
        .values("group")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=achieved),
            breached=Count("pk", filter=breached),
        )
        .order_by("group")
    )
    return [
        Row(
            label=_label(group, r["group"]),
            total=r["total"],
            achieved=r["met"],
            breached=r["breached"],
            running=r["total"] - r["met"] - r["breached"],
        )
        for r in result
    ]


def total(table: list[Row]) -> Row:
    return Row(
        label=_("Total"),
        total=sum(r.total for r in table),
        achieved=sum(r.achieved for r in table),
        breached=sum(r.breached for r in table),
        running=sum(r.running for r in table),
    )
