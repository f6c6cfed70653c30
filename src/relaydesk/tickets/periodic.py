"""The tickets' periodic jobs (`core/schedule.py`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from relaydesk.core.schedule import periodic
from relaydesk.tickets.archive import archive_closed
from relaydesk.tickets.snoozing import wake_due


@periodic(every=dt.timedelta(minutes=1))
def wake_snoozed() -> None:
    """TK8: snoozed tickets whose time has come are open again."""
    wake_due()


@periodic(every=dt.timedelta(hours=1))
def archive_old_closed() -> int:
    """TK13: closed tickets untouched for RELAYDESK_ARCHIVE_AFTER_DAYS days."""
    return archive_closed(after_days=settings.ARCHIVE_AFTER_DAYS)
