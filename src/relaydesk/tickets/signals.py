"""Where other areas (SLA, automation, search, channels) hear of ticket changes.

`event_recorded` is sent inside the transaction of every service action, right after a
`TicketEvent` row is written, with `event` and `ticket`. Receivers run in that same transaction:
work that must be atomic with the change (stored due times, search documents) happens there;
anything slow or external is queued by the receiver with `transaction.on_commit`.

`action_recorded` is sent once per ticket at the end of each service action (`events.action`),
still inside its transaction, with `ticket` (as the action left it) and `events` (the lines it
wrote, in order): work that depends on the ticket's final state runs there once per action
rather than once per line (the SLA's due times). A line written outside any action is an action
of its own.
"""

from django.dispatch import Signal

event_recorded = Signal()
action_recorded = Signal()
