"""Escalation timers: one task at each at-risk and breach instant, stored with the data, so they
survive restarts. The task re-reads the stored state: a stale timer does nothing."""

from __future__ import annotations

from django.tasks import task

from relaydesk.sla import services


@task()
def escalate(record_id: int, stage: str, due_iso: str) -> bool:
    return services.escalate(record_id=record_id, stage=stage, due_iso=due_iso)


@task()
def recompute_open_tickets() -> int:
    """After a calendar or policy change: every open ticket's due times again."""
    from relaydesk.sla.engine import recompute_open

    return recompute_open()
