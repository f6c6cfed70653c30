"""The SLA's background work besides the timers (`relaydesk.sla.timers`)."""

from __future__ import annotations

from django.tasks import task


@task()
def recompute_open_tickets() -> int:
    """After a calendar or policy change: every open ticket's due times again."""
    from relaydesk.sla.engine import recompute_open

    return recompute_open()
