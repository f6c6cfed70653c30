"""What the SLA tells other areas.

`stage_reached` is sent inside an escalation timer's transaction, once per ticket and stage
(`Stage.AT_RISK` or `Stage.BREACHED`) that fired in that run, with `ticket` (after the
escalation rules' changes) and `stage`. Receivers queue their work with
`transaction.on_commit`, so a timer that rolls back tells nobody (the notifications' SLA
alerts listen)."""

from django.dispatch import Signal

stage_reached = Signal()
