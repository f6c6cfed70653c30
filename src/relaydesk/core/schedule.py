"""Periodic jobs: work that is due by the clock rather than by a change (time rules, waking
snoozed tickets, archiving, sweeping stuck deliveries).

An app declares its jobs in a `periodic.py` module:

    @periodic(every=timedelta(minutes=5))
    def wake_snoozed() -> None: ...

Every worker (`relaydesk worker`, and the thread `serve` runs on the embedded default) calls
`tick()` every `RELAYDESK_SCHEDULER_INTERVAL` seconds. `tick` claims each due job with one
conditional UPDATE on its `PeriodicRun` row, so with many workers each run starts once, and
enqueues it as an ordinary task: the job runs on a worker like any task, its failure is kept on
the row and in the task result, and the next run is due `every` after the claim. A worker that
was down does not replay missed runs: a late job runs once, then keeps its rhythm."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from relaydesk.core.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    function: Callable[[], object]


registry: dict[str, Job] = {}


def periodic(*, every: dt.timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    if every < dt.timedelta(seconds=1):
        raise ValueError("a periodic job runs at most once a second")

    def register(function: Callable[[], object]) -> Callable[[], object]:
        name = f"{function.__module__}.{function.__qualname__}"
        registry[name] = Job(name=name, every=every, function=function)
        return function

    return register


def jobs() -> dict[str, Job]:
    autodiscover_modules("periodic")
    return registry


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job that is due and that this caller claims; the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs().values():
        run, _created = PeriodicRun.objects.get_or_create(
            name=job.name, defaults={"next_run_at": now}
        )
        if run.next_run_at > now:
            continue
        claimed = PeriodicRun.objects.filter(pk=run.pk, next_run_at=run.next_run_at).update(
            next_run_at=now + job.every
        )
        if claimed:
            run_job.enqueue(job.name)
            enqueued.append(job.name)
    return enqueued


@task()
def run_job(name: str) -> None:
    job = jobs().get(name)
    if job is None:  # renamed or removed since it was enqueued
        logger.warning("periodic job %s is not registered any more", name)
        return
    PeriodicRun.objects.filter(name=name).update(last_started_at=timezone.now())
    try:
        job.function()
    except Exception:
        PeriodicRun.objects.filter(name=name).update(
            last_finished_at=timezone.now(), last_error=traceback.format_exc(limit=20)
        )
        raise
    PeriodicRun.objects.filter(name=name).update(last_finished_at=timezone.now(), last_error="")


def run_forever(stop: threading.Event) -> None:
    interval = settings.SCHEDULER_INTERVAL
    while not stop.is_set():
        try:
            tick()
        except Exception:  # a database hiccup must not end the loop
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def start_scheduler_thread() -> threading.Event:
    """Run `tick` in the background until the returned event is set."""
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(stop,), name="relaydesk-scheduler")
    thread.daemon = True
    thread.start()
    logger.info("scheduler thread started (every %s s)", settings.SCHEDULER_INTERVAL)
    return stop
