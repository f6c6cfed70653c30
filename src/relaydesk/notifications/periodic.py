"""Periodic jobs of the notifications (see `core/schedule.py`)."""

from __future__ import annotations

import datetime as dt

from relaydesk.core.schedule import periodic
from relaydesk.notifications import queue


@periodic(every=dt.timedelta(minutes=1))
def announce_long_waits() -> None:
    queue.announce_long_waits()
