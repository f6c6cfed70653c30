"""Calendars and policies as the clock uses them, loaded once per configuration change.

Every process keeps the active policies with their calendars in memory and reloads them when
any policy or calendar changed (one small query per recompute tells), so recomputing a ticket
costs no configuration queries.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Count, Max

from relaydesk.sla import hours
from relaydesk.sla.models import Calendar, Kind, Policy


@functools.lru_cache(maxsize=64)
def country_holidays(country: str, subdivision: str = "") -> holidays.HolidayBase:
    """The public holidays of a country (and region); expands by year as dates are asked."""
    return holidays.country_holidays(country, subdiv=subdivision or None)


def business_hours(calendar: Calendar) -> hours.Hours:
    ranges = [hours.Range(r.weekday, r.start, r.end) for r in calendar.ranges.all()]
    custom = frozenset(h.date for h in calendar.holidays.all())
    public = country_holidays(calendar.country, calendar.subdivision) if calendar.country else None

    def closed(day: dt.date) -> bool:
        return day in custom or (public is not None and day in public)

    return hours.BusinessHours(ZoneInfo(calendar.time_zone), ranges, closed)


@dataclass(frozen=True)
class Rules:
    """One policy, ready to match and to count."""

    policy_id: int
    name: str
    hours: hours.Hours
    pause_statuses: frozenset[str]
    risk_percent: int
    priorities: frozenset[int]
    channels: frozenset[str]
    departments: frozenset[int]
    organizations: frozenset[int]
    types: frozenset[int]
    tags: frozenset[int]
    custom_fields: dict[str, Any]
    targets: dict[int, dict[str, dt.timedelta]] = field(default_factory=dict)

    def matches(self, ticket: Any, tag_ids: frozenset[int]) -> bool:
        return (
            (not self.priorities or ticket.priority in self.priorities)
            and (not self.channels or ticket.channel in self.channels)
            and (not self.departments or ticket.department_id in self.departments)
            and (not self.organizations or ticket.organization_id in self.organizations)
            and (not self.types or ticket.type_id in self.types)
            and self.tags <= tag_ids
            and all(ticket.custom_fields.get(k) == v for k, v in self.custom_fields.items())
        )


def _rules(policy: Policy) -> Rules:
    targets: dict[int, dict[str, dt.timedelta]] = {}
    for target in policy.targets.all():
        targets[target.priority] = {
            kind: dt.timedelta(minutes=minutes)
            for kind in Kind.values
            if (minutes := getattr(target, kind)) is not None
        }
    return Rules(
        policy_id=policy.pk,
        name=policy.name,
        hours=business_hours(policy.calendar) if policy.calendar else hours.AlwaysOpen(),
        pause_statuses=frozenset(policy.pause_statuses),
        risk_percent=policy.at_risk_percent,
        priorities=frozenset(policy.priorities),
        channels=frozenset(policy.channels),
        departments=frozenset(d.pk for d in policy.departments.all()),
        organizations=frozenset(o.pk for o in policy.organizations.all()),
        types=frozenset(t.pk for t in policy.ticket_types.all()),
        tags=frozenset(t.pk for t in policy.tags.all()),
        custom_fields=dict(policy.custom_fields),
        targets=targets,
    )


def load_policies() -> list[Rules]:
    policies = (
        Policy.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related(
            "targets",
            "departments",
            "organizations",
            "ticket_types",
            "tags",
            "calendar__ranges",
            "calendar__holidays",
        )
    )
    return [_rules(p) for p in policies]


def _version() -> tuple[Any, ...]:
    policies = Policy.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    calendars = Calendar.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (policies["n"], policies["t"], calendars["n"], calendars["t"])


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def policies() -> list[Rules]:
    """The active policies in order, reloaded when the configuration changed."""
    version = _version()
    with _lock:
        if _cache.get("version") != version:
            _cache["policies"] = load_policies()
            _cache["version"] = version
        return list(_cache["policies"])


def match(ticket: Any, tag_ids: frozenset[int]) -> Rules | None:
    return next((rules for rules in policies() if rules.matches(ticket, tag_ids)), None)
