"""Triggers as plain values, compiled once per process and kept while the rules do not change.

Opening a ticket must not cost a query per trigger: each action reads one number
(`RulesVersion`), and only when it changed are the active triggers loaded again, with their
conditions and actions, in three queries. Saving or deleting a trigger, a condition or an
action draws a new number in the same transaction (signals below, so the admin counts too).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from relaydesk.automation.models import Action, Condition, RulesVersion, Trigger


@dataclass(frozen=True)
class CompiledTrigger:
    pk: int
    name: str
    on: str
    match: str
    conditions: tuple[tuple[str, str, str], ...]
    actions: tuple[tuple[str, str], ...]


_lock = threading.Lock()
_cache: tuple[int, tuple[CompiledTrigger, ...]] | None = None


def current_version() -> int:
    found = RulesVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return found or 0


def active_triggers(on: set[str], *, version: int | None = None) -> list[CompiledTrigger]:
    """The active triggers for these events, in position order; `version`: the rules'
    version, when the caller read it (for many actions at once)."""
    global _cache
    if version is None:
        version = current_version()  # read before the rules: a change meanwhile shows next time
    cached = _cache
    if cached is None or cached[0] != version:
        cached = (version, _compile())
        with _lock:
            _cache = cached
    return [t for t in cached[1] if t.on in on]


def _compile() -> tuple[CompiledTrigger, ...]:
    return tuple(
        CompiledTrigger(
            pk=t.pk,
            name=t.name,
            on=t.on,
            match=t.match,
            conditions=tuple((c.field, c.operator, c.value) for c in t.conditions.all()),
            actions=tuple((a.kind, a.value) for a in t.actions.all()),
        )
        for t in Trigger.objects.filter(is_active=True).prefetch_related("conditions", "actions")
    )


def bump() -> None:
    stamp = secrets.randbits(62) + 1
    if not RulesVersion.objects.filter(pk=1).update(version=stamp):
        RulesVersion.objects.get_or_create(pk=1, defaults={"version": stamp})


@receiver([post_save, post_delete], sender=Trigger)
@receiver([post_save, post_delete], sender=Condition)
@receiver([post_save, post_delete], sender=Action)
def _changed(sender: Any, instance: Trigger | Condition | Action, **kwargs: Any) -> None:
    if isinstance(instance, Trigger) or instance.trigger_id is not None:
        bump()
