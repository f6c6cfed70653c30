"""Task workers: the `worker` command, and the thread `serve` runs on the embedded default."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger(__name__)


def make_worker(*, interval: float = 1.0, batch: bool = False, queues: str = "*") -> Worker:
    return Worker(
        queue_names=queues.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def is_embedded() -> bool:
    """The embedded default: one SQLite file, one process doing everything."""
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def start_worker_thread() -> threading.Thread:
    from relaydesk.core.schedule import start_scheduler_thread

    start_scheduler_thread()
    worker = make_worker()
    thread = threading.Thread(target=worker.run, name="relaydesk-worker", daemon=True)
    thread.start()
    logger.info("task worker thread started")
    return thread
