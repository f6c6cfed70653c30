"""What canned responses and macros share: a shared one (no owner) is kept by administrators
and supervisors, a personal one is seen and kept by its owner only; menus offer the ticket's
language first."""

from __future__ import annotations

from typing import Protocol

from django.db.models import Case, Model, Q, QuerySet, Value, When

from relaydesk.accounts.models import User
from relaydesk.automation.services import can_edit_rules


class Owned(Protocol):
    owner_id: int | None

    @property
    def is_shared(self) -> bool: ...


def shared_or_own[M: Model](objects: QuerySet[M], user: User) -> QuerySet[M]:
    """The shared ones and the user's own; nothing for customers. The one door to them."""
    if not user.is_agent:
        return objects.none()
    return objects.filter(Q(owner__isnull=True) | Q(owner=user))


def can_keep(actor: User, item: Owned) -> bool:
    if item.is_shared:
        return can_edit_rules(actor)
    return item.owner_id == actor.pk


def language_first(language: str) -> Case:
    """An ordering: this language, then any language (empty), then the others."""
    return Case(
        When(language=language, then=Value(0)), When(language="", then=Value(1)), default=Value(2)
    )
