"""Timing: warm up, take samples, report p50 / p95 and the SQL queries of one more run."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Figure:
    name: str
    p50_ms: float
    p95_ms: float
    samples: int
    queries: int
    target_ms: float | None = None

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.p95_ms <= self.target_ms else "MISSED"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "verdict": self.verdict}


def sample(
    name: str,
    call: Callable[[int], object],
    *,
    samples: int,
    warmup: int,
    target_ms: float | None = None,
) -> Figure:
    """`call(k)` runs the k-th request; k lets a scenario rotate over its inputs."""
    for k in range(warmup):
        call(k)
    durations = []
    for k in range(warmup, warmup + samples):
        began = time.perf_counter()
        call(k)
        durations.append((time.perf_counter() - began) * 1000)
    # A warm request's statements: the fewer of two runs of the same input (a per-process
    # reference list reloaded on its schedule adds one to a run now and then).
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            call(warmup + samples)
        counts.append(len(captured.captured_queries))
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return Figure(
        name=name,
        p50_ms=round(statistics.median(durations), 2),
        p95_ms=round(cuts[94], 2),
        samples=samples,
        queries=min(counts),
        target_ms=target_ms,
    )


def table(figures: list[Figure]) -> str:
    head = f"{'scenario':<52} {'p50 ms':>8} {'p95 ms':>8} {'target':>7} {'SQL':>4}  "
    lines = [head, "-" * len(head)]
    for f in figures:
        target = f"≤{f.target_ms:g}" if f.target_ms is not None else ""
        lines.append(
            f"{f.name:<52} {f.p50_ms:>8.1f} {f.p95_ms:>8.1f} {target:>7} {f.queries:>4}  "
            f"{f.verdict}"
        )
    return "\n".join(lines)


def queries_by_page_size(figures: list[Figure]) -> dict[str, dict[int, int]]:
    """SQL queries of each list scenario per page size, to show they do not grow with it."""
    grouped: dict[str, dict[int, int]] = {}
    for f in figures:
        if match := re.fullmatch(r"(.*) \((\d+)/page\)", f.name):
            grouped.setdefault(match[1], {})[int(match[2])] = f.queries
    return {name: sizes for name, sizes in grouped.items() if len(sizes) > 1}


class Statements:
    """Counts the SQL statements run inside `with Statements() as counted:` (`counted.n`),
    without keeping their text as CaptureQueriesContext does (a drain runs 100,000)."""

    def __init__(self) -> None:
        self.n = 0
        self._wrapper: Any = None

    def _count(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> Statements:
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)
