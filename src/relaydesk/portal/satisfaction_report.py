"""The satisfaction report (PO5): ratings per period, department or agent, their average and
spread, and the comments, over the tickets the viewer can see. Good / bad ratings are kept as
5 / 1 (`SatisfactionRating`), so both scales share one axis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relaydesk.accounts.models import User
from relaydesk.portal.models import SatisfactionRating
from relaydesk.sla.report import period
from relaydesk.tickets.visibility import visible_tickets

SCORES = (1, 2, 3, 4, 5)
COMMENTS_SHOWN = 50

GROUPS: dict[str, tuple[Any, Any]] = {
    "month": (gettext_lazy("Month"), TruncMonth("created_at")),
    "week": (gettext_lazy("Week"), TruncWeek("created_at")),
    "department": (gettext_lazy("Department"), F("ticket__department__name")),
    "agent": (
        gettext_lazy("Agent"),
        Coalesce(
            NullIf(F("ticket__assignee__name"), Value("")),
            F("ticket__assignee__email"),
            output_field=CharField(),
        ),
    ),
}


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    average: float | None
    spread: tuple[int, ...]  # how many ratings gave 1, 2, 3, 4, 5

    @property
    def shares(self) -> list[tuple[int, int, int]]:
        """(score, ratings, percent) for each score."""
        return [
            (score, n, round(100 * n / self.count) if self.count else 0)
            for score, n in zip(SCORES, self.spread, strict=True)
        ]

    @property
    def satisfied(self) -> float | None:
        """Ratings of 4 or 5 (or "good") out of all, in percent."""
        return (
            round(100 * (self.spread[3] + self.spread[4]) / self.count, 1) if self.count else None
        )


def ratings(user: User, start: dt.date, end: dt.date) -> QuerySet[SatisfactionRating]:
    since, until = period(start, end)
    tickets = visible_tickets(user).values("pk")
    return SatisfactionRating.objects.filter(
        ticket__in=tickets, created_at__gte=since, created_at__lt=until
    )


def _label(value: Any) -> str:
    if value is None or value == "":
        return _("(none)")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    return str(value)


def _aggregates() -> dict[str, Any]:
    per_score = {f"s{score}": Count("pk", filter=Q(score=score)) for score in SCORES}
    return {"count": Count("pk"), "average": Avg("score"), **per_score}


def _row(label: str, values: Mapping[str, Any]) -> Row:
    average = values["average"]
    return Row(
        label=label,
        count=values["count"],
        average=round(float(average), 2) if average is not None else None,
        spread=tuple(values[f"s{score}"] for score in SCORES),
    )


def rows(user: User, *, group: str, start: dt.date, end: dt.date) -> list[Row]:
    result = (
        ratings(user, start, end)
        .annotate(group=GROUPS[group][1])
        .values("group")
        .annotate(**_aggregates())
        .order_by("group")
    )
    return [_row(_label(r["group"]), r) for r in result]


def total(user: User, *, start: dt.date, end: dt.date) -> Row:
    return _row(_("Total"), ratings(user, start, end).aggregate(**_aggregates()))


def comments(user: User, *, start: dt.date, end: dt.date) -> QuerySet[SatisfactionRating]:
    return (
        ratings(user, start, end)
        .exclude(comment="")
        .select_related("ticket", "requester", "ticket__assignee")
        .order_by("-created_at", "-pk")[:COMMENTS_SHOWN]
    )
