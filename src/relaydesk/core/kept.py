"""A few rows every change reads (the triggers' version, the departments' routing modes, the
active webhook endpoints), kept in the process instead of read by every action.

A kept value is loaded again after `forget()`, which this process's own writes call from a
signal (at once, and again when their transaction commits), and at most `KEEP_SECONDS` after it
was loaded, which is how long another process's change takes to show here. Tests load every
time and keep nothing: their rolled-back rows send no commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

KEEP_SECONDS = 0.0 if settings.TESTING else 1.0


class Kept[T]:
    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: tuple[float, T] | None = None
        self._generation = 0  # a load that a forget overtook is not kept

    def get(self) -> T:
        now = time.monotonic()
        kept = self._value
        if kept is not None and now - kept[0] < KEEP_SECONDS:
            return kept[1]
        generation = self._generation
        value = self._load()
        with self._lock:
            if generation == self._generation and KEEP_SECONDS > 0:
                self._value = (now, value)
        return value

    def forget(self, *args: Any, **kwargs: Any) -> None:
        """Load again at the next `get`; a signal receiver (and again after commit, so a read
        inside the writer's transaction is not kept past it)."""
        self._drop()
        transaction.on_commit(self._drop)

    def _drop(self) -> None:
        with self._lock:
            self._value = None
            self._generation += 1
