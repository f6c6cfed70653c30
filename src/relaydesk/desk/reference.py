"""The short lists the desk's pages show (agents, departments, statuses, types, categories,
organizations, custom fields per type, our mail domains), kept per process instead of read on
every page.

A list page carries a dozen selects: reading their rows was half of its queries. The rows
are kept in this process until one of those tables changes:
- a save or delete here clears them at once, and again when its transaction commits;
- the commit also stamps a new version in the shared cache (Redis when configured), which
  every process reads at most once a second, so other processes follow within a second;
- whatever slips past the signals (a queryset `.update()`, a process without the shared
  cache) is reloaded after `MAX_AGE` seconds at the latest.
Validation never reads these lists: a form still checks a chosen id against the database.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from relaydesk.accounts.models import Department, Organization, User
from relaydesk.mail import spam
from relaydesk.mail.models import Mailbox
from relaydesk.tickets.fields import fields_for
from relaydesk.tickets.models import Category, CustomField, CustomStatus, TicketType

VERSION_KEY = "relaydesk:desk-reference"
CHECK_EVERY = 1.0  # seconds between looks at the shared version
MAX_AGE = 60.0  # seconds a list is kept whatever the version says

_lock = threading.Lock()
_entries: dict[str, tuple[float, Any]] = {}
_seen = {"version": None, "checked": 0.0}


def cached[T](name: str, load: Callable[[], T]) -> T:
    """`load()`'s result, kept under `name` until the reference tables change."""
    now = time.monotonic()
    if now - _seen["checked"] > CHECK_EVERY:  # type: ignore[operator]
        version = cache.get(VERSION_KEY)
        with _lock:
            if version != _seen["version"]:
                _entries.clear()
            _seen.update(version=version, checked=now)
    entry = _entries.get(name)
    if entry is not None and now - entry[0] < MAX_AGE:
        return entry[1]
    value = load()
    with _lock:
        _entries[name] = (now, value)
    return value


def departments() -> list[Department]:
    """Every department, active or not (the "departments" list of the forms too)."""
    return cached("departments", lambda: list(Department.objects.all()))


def ticket_types_by_id() -> dict[int, TicketType]:
    return cached("types-by-id", lambda: {t.pk: t for t in TicketType.objects.all()})


def organizations_by_id() -> dict[int, Organization]:
    return cached("organizations-by-id", lambda: {o.pk: o for o in Organization.objects.all()})


def custom_statuses() -> list[CustomStatus]:
    return cached("custom-statuses", lambda: list(CustomStatus.objects.all()))


def custom_fields_for(type_id: int | None) -> list[CustomField]:
    return cached(f"custom-fields:{type_id}", lambda: fields_for(type_id))


def our_domains() -> set[str]:
    """The domains of our mailboxes and departments (`mail.spam.our_domains`)."""
    return cached("our-domains", spam.our_domains)


def forget() -> None:
    """Drop every list held by this process."""
    with _lock:
        _entries.clear()


def _changed() -> None:
    forget()
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _on_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a sign-in changes no list
    if getattr(instance, "role", "agent") == "customer" and kwargs.get("created"):
        return  # a new customer is in no list
    forget()
    transaction.on_commit(_changed)


def connect() -> None:
    models = (Department, Organization, User, TicketType, Category, CustomStatus, CustomField)
    for model in (*models, Mailbox):
        uid = f"desk-reference-{model._meta.label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _on_write, sender=CustomField.ticket_types.through, dispatch_uid="desk-reference-types"
    )
