"""Where other areas (SLA, automation, search, channels) hear of ticket changes.

`event_recorded` is sent inside the transaction of every service action, right after a
`TicketEvent` row is written, with `event` and `ticket`. Receivers run in that same transaction:
work that must be atomic with the change (stored due times, search documents) happens there;
anything slow or external is queued by the receiver with `transaction.on_commit`.

`action_recorded` is sent once at the end of each service action (`events.action`), still
inside its transaction, with `actions`: for every ticket the action changed, (the ticket as the
action left it, the lines it wrote there in order). Work that depends on the tickets' final
state runs there once per action rather than once per line, for all the tickets together (the
SLA's due times: one recompute for the 200 tickets of an assignment batch). A line written
outside any action is an action of its own.
"""

from django.dispatch import Signal

event_recorded = Signal()
action_recorded = Signal()
