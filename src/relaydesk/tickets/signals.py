"""Where other areas (SLA, automation, search, channels) hear of ticket changes.

`event_recorded` is sent inside the transaction of every service action, right after a
`TicketEvent` row is written, with `event` and `ticket`. Receivers run in that same transaction:
work that must be atomic with the change (stored due times, search documents) happens there;
anything slow or external is queued by the receiver with `transaction.on_commit`.
"""

from django.dispatch import Signal

event_recorded = Signal()
