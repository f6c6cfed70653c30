"""Calendars and policies as the clock uses them, loaded once per configuration change.

Every process keeps the active policies with their calendars in memory, so recomputing a ticket
costs no configuration queries; a change is seen at once in the process that made it and within
`RELOAD_SECONDS` in the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save

from relaydesk.sla import hours
from relaydesk.sla.models import BusinessRange, Calendar, Holiday, Kind, Policy, Target

if TYPE_CHECKING:
    import holidays


@functools.lru_cache(maxsize=64)
def country_holidays(country: str, subdivision: str = "") -> holidays.HolidayBase:
    """The public holidays of a country (and region); expands by year as dates are asked.
    The package is imported here, when a calendar first needs it: importing it costs every
    process 0.15 s at start (a `mail import` run by an MTA per message, a worker)."""
    import holidays

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


# Other processes see a configuration change within this many seconds (and the admin queues a
# recompute of the open tickets after it); this process sees it at once (signals below).
# Tests check every time: their rolled-back rows send no signals.
RELOAD_SECONDS = 0.0 if settings.TESTING else 2.0
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def forget(*args: Any, **kwargs: Any) -> None:
    """Drop this process's copy of the configuration."""
    with _lock:
        _cache.clear()


def _version() -> tuple[Any, ...]:
    policies = Policy.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    calendars = Calendar.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (policies["n"], policies["t"], calendars["n"], calendars["t"])


def policies() -> list[Rules]:
    """The active policies in order."""
    with _lock:
        now = time.monotonic()
        if _cache.get("checked", -RELOAD_SECONDS) + RELOAD_SECONDS <= now:
            version = _version()
            if _cache.get("version") != version or "policies" not in _cache:
                _cache["policies"] = load_policies()
                _cache["version"] = version
            _cache["checked"] = now
        return list(_cache["policies"])


def uses_tags() -> bool:
    return any(rules.tags for rules in policies())


def match(ticket: Any, tag_ids: frozenset[int]) -> Rules | None:
    return next((rules for rules in policies() if rules.matches(ticket, tag_ids)), None)


for model in (Policy, Calendar, Target, BusinessRange, Holiday):
    post_save.connect(forget, sender=model, dispatch_uid=f"sla-forget-save-{model.__name__}")
    post_delete.connect(forget, sender=model, dispatch_uid=f"sla-forget-delete-{model.__name__}")
for relation in ("departments", "organizations", "ticket_types", "tags"):
    m2m_changed.connect(
        forget, sender=getattr(Policy, relation).through, dispatch_uid=f"sla-forget-{relation}"
    )
