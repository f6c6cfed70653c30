"""The automation's periodic jobs (see `core/schedule.py`)."""

from __future__ import annotations

import datetime as dt

from relaydesk.automation import timerules
from relaydesk.core.schedule import periodic


@periodic(every=dt.timedelta(minutes=5))
def time_rules() -> None:
    """Act on the tickets that reached a time rule's time since the last run."""
    timerules.run_all()
