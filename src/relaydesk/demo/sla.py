"""The demo's service levels: office hours in Bucharest with Romania's public holidays, a 24/7
policy for urgent tickets and a business-hours policy with targets per priority, escalations
at risk and at breach."""

from __future__ import annotations

from datetime import date, time

from relaydesk.accounts.models import User
from relaydesk.sla.models import (
    Action,
    BusinessRange,
    Calendar,
    EscalationRule,
    Holiday,
    Kind,
    Policy,
    Stage,
    Target,
)
from relaydesk.tickets.models import Priority

# Business minutes: first response, next response, resolution.
OFFICE_TARGETS = {
    Priority.LOW: (8 * 60, 16 * 60, 5 * 9 * 60),
    Priority.NORMAL: (4 * 60, 8 * 60, 3 * 9 * 60),
    Priority.HIGH: (60, 2 * 60, 9 * 60),
}
URGENT_TARGETS = (4 * 60, 8 * 60, 3 * 24 * 60)


def configure_sla(supervisor: User) -> None:
    office = Calendar.objects.create(
        name="Office hours (Bucharest)", time_zone="Europe/Bucharest", country="RO"
    )
    BusinessRange.objects.bulk_create(
        BusinessRange(calendar=office, weekday=day, start=time(9), end=time(18)) for day in range(5)
    )
    Holiday.objects.create(calendar=office, date=date(2026, 12, 24), name="Company day")

    urgent = Policy.objects.create(name="Urgent, around the clock", position=1, priorities=[4])
    Target.objects.create(
        policy=urgent,
        priority=Priority.URGENT,
        **dict(zip(Kind.values, URGENT_TARGETS, strict=True)),
    )
    EscalationRule.objects.create(
        policy=urgent, stage=Stage.AT_RISK, action=Action.NOTIFY_SUPERVISORS
    )
    EscalationRule.objects.create(
        policy=urgent, stage=Stage.BREACHED, action=Action.REASSIGN, agent=supervisor
    )

    standard = Policy.objects.create(name="Standard, office hours", position=10, calendar=office)
    Target.objects.bulk_create(
        Target(policy=standard, priority=priority, **dict(zip(Kind.values, minutes, strict=True)))
        for priority, minutes in OFFICE_TARGETS.items()
    )
    EscalationRule.objects.create(
        policy=standard, stage=Stage.AT_RISK, action=Action.NOTIFY_ASSIGNEE
    )
    EscalationRule.objects.create(
        policy=standard,
        stage=Stage.BREACHED,
        kind=Kind.FIRST_RESPONSE,
        action=Action.RAISE_PRIORITY,
    )
    EscalationRule.objects.create(
        policy=standard,
        stage=Stage.BREACHED,
        action=Action.ADD_NOTE,
        note="This ticket missed its service-level target. Please pick it up first.",
    )
