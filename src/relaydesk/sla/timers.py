"""Escalation timers: one task per ticket at its next escalation instant (`TicketSla.timer_at`),
stored with the data so it survives restarts. A timer whose instant is no longer the ticket's
does nothing; the one that is fires what is due and the recompute after it sets the next.

Many timers at once (a calendar change moves every open ticket's) are inserted in bulk when the
task backend is the database one."""

from __future__ import annotations

import datetime as dt

from django.tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


@task()
def sla_timer(ticket_id: int, at_iso: str) -> int:
    from relaydesk.sla.services import run_timer

    return run_timer(ticket_id=ticket_id, at_iso=at_iso)


def schedule(timers: list[tuple[int, dt.datetime]]) -> None:
    backend = task_backends[sla_timer.backend]
    if not backend.supports_defer:  # e.g. the immediate backend: nothing can wait
        return
    if isinstance(backend, DatabaseBackend):
        DBTaskResult.objects.bulk_create(
            (
                DBTaskResult(
                    args_kwargs={"args": [ticket_id, at.isoformat()], "kwargs": {}},
                    priority=sla_timer.priority,
                    task_path=sla_timer.module_path,
                    queue_name=sla_timer.queue_name,
                    run_after=at,
                    backend_name=backend.alias,
                )
                for ticket_id, at in timers
            ),
            batch_size=1000,
        )
        return
    for ticket_id, at in timers:
        sla_timer.using(run_after=at).enqueue(ticket_id, at.isoformat())
