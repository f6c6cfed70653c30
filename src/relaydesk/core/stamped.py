"""Values a process keeps under a stamp shared by every process (in the cache: Redis when
several processes serve), so a change made in one process reaches the others.

Each kept value holds the stamp it was loaded under and counts only while the shared stamp is
unchanged and it is younger than `max_age`. `changed()` draws a new stamp; the writers' signal
receivers call it at once and again when their transaction commits, so a value loaded between
the two (from before the commit) does not count either. A change that sends no signal (a
queryset `.update()`, a row changed behind the ORM's back) shows after `max_age` at the latest.
`check_every` spares the cache a look per use: the stamp is read again at most that often."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction


class Stamped:
    def __init__(
        self, key: str, *, max_age: float, check_every: float = 0.0, most: int = 10_000
    ) -> None:
        self.key = key
        self.max_age = max_age
        self.check_every = check_every
        self.most = most  # values kept; past it the process starts afresh
        self.checked = 0.0  # when the shared stamp was last read
        self._stamp = ""
        self._draws = 0  # a read of the stamp that a draw overtook is not kept
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[str, float, Any]] = {}

    def get[T](self, name: str, load: Callable[[], T]) -> T:
        """The value kept under `name`, or `load()`'s (None is not kept)."""
        stamp = self.stamp()  # before the load: a change committed after it changes the stamp
        moment = time.monotonic()
        kept = self._kept.get(name)
        if kept is not None and kept[0] == stamp and moment - kept[1] < self.max_age:
            value: T = kept[2]
            return value
        value = load()
        if value is not None:
            with self._lock:
                if len(self._kept) >= self.most:
                    self._kept.clear()
                self._kept[name] = (stamp, moment, value)
        return value

    def stamp(self) -> str:
        moment = time.monotonic()
        if moment - self.checked < self.check_every and self._stamp:
            return self._stamp
        draws = self._draws
        stamp = cache.get(self.key)
        if stamp is None:  # never set, or evicted: a new one drops whatever was kept
            cache.add(self.key, uuid.uuid4().hex, None)
            stamp = cache.get(self.key)
        with self._lock:
            if draws == self._draws:
                self._stamp, self.checked = str(stamp), moment
        return str(stamp)

    def __len__(self) -> int:
        """How many values this process keeps."""
        return len(self._kept)

    def forget(self) -> None:
        """Drop what this process keeps."""
        with self._lock:
            self._kept.clear()

    def changed(self) -> None:
        """A kept row changed: a new stamp now, and another when the transaction commits."""
        self._draw()
        transaction.on_commit(self._draw)

    def _draw(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)
        with self._lock:  # after the set: a look at the stamp from before it is not kept
            self._kept.clear()
            self._draws += 1
            self.checked = 0.0
