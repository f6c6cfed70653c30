"""The short lists the desk's pages show (agents, departments, statuses, types, categories,
organizations, custom fields per type, our mail domains), kept per process instead of read on
every page.

A list page carries a dozen selects: reading their rows was half of its queries. The rows
are kept in this process until one of those tables changes:
- a save or delete here draws a new shared stamp (`core/stamped.py`) at once and again when
  its transaction commits; every process reads the stamp at most once a second, so other
  processes follow within a second;
- whatever slips past the signals (a queryset `.update()`, a process without the shared
  cache) is reloaded after a minute at the latest.
Validation never reads these lists: a form still checks a chosen id against the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from relaydesk.accounts.models import Department, Organization, User
from relaydesk.core.stamped import Stamped
from relaydesk.mail import spam
from relaydesk.mail.models import Mailbox
from relaydesk.tickets.fields import fields_for
from relaydesk.tickets.models import Category, CustomField, CustomStatus, TicketType

# The stamp is read at most once a second; a list is kept at most a minute whatever it says.
lists = Stamped("relaydesk:desk-reference", max_age=60.0, check_every=1.0)


def cached[T](name: str, load: Callable[[], T]) -> T:
    """`load()`'s result, kept under `name` until the reference tables change."""
    return lists.get(name, load)


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
    lists.forget()


def _on_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a sign-in changes no list
    if getattr(instance, "role", "agent") == "customer" and kwargs.get("created"):
        return  # a new customer is in no list
    lists.changed()


def connect() -> None:
    models = (Department, Organization, User, TicketType, Category, CustomStatus, CustomField)
    for model in (*models, Mailbox):
        uid = f"desk-reference-{model._meta.label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _on_write, sender=CustomField.ticket_types.through, dispatch_uid="desk-reference-types"
    )
