"""The tickets' periodic jobs (`relaydesk.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from relaydesk.core.schedule import periodic
from relaydesk.tickets.snoozing import wake_due


@periodic(every=timedelta(minutes=1))
def wake_snoozed() -> None:
    wake_due()
