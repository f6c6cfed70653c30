"""Kept values: loaded once for a while, loaded again after this process's own change."""

from __future__ import annotations

import pytest

from relaydesk.core import kept


@pytest.fixture
def keeping(monkeypatch) -> None:
    monkeypatch.setattr(kept, "KEEP_SECONDS", 60.0)  # as in production, longer


def counting() -> tuple[kept.Kept[int], list[int]]:
    loads: list[int] = []

    def load() -> int:
        loads.append(len(loads) + 1)
        return len(loads)

    return kept.Kept(load), loads


def test_a_kept_value_is_loaded_once_until_forgotten(keeping, db):
    value, loads = counting()
    assert [value.get(), value.get()] == [1, 1]
    value.forget()
    assert [value.get(), value.get()] == [2, 2]
    assert loads == [1, 2]


def test_tests_load_every_time(db):
    value, _loads = counting()
    assert [value.get(), value.get()] == [1, 2]


def test_a_load_that_a_forget_overtook_is_not_kept(keeping, db):
    value: kept.Kept[str]

    def load() -> str:
        value.forget()  # a change lands while the old rows are being read
        return "old"

    value = kept.Kept(load)
    assert value.get() == "old"
    assert value._value is None
