"""The webhooks' periodic job (`core/schedule.py`)."""

from __future__ import annotations

import datetime as dt

from relaydesk.core.schedule import periodic
from relaydesk.webhooks.outbox import sweep_stuck_deliveries


@periodic(every=dt.timedelta(minutes=5))
def sweep_stuck() -> int:
    """Deliveries a crashed worker left "sending" past their lease are sent again."""
    return sweep_stuck_deliveries()
