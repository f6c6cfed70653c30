"""Issuing, checking and revoking API tokens. Tokens are random; only their hash is stored.

A process keeps the tokens it has checked (with their person), so a request does not read
them again, under a stamp shared by every process (`core/stamped.py`). Saving or deleting any
token or person draws a new stamp at once and again when the change commits, so a revocation,
a new expiry, a deactivated or deleted person hold in every process from the next request on;
a change that sends no signal (a queryset `.update()`) within a minute. Expiry is checked on
every request."""

from __future__ import annotations

import copy
import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.api.models import ApiToken, Scope
from relaydesk.core.stamped import Stamped

TOKEN_PREFIX = "rd_"  # noqa: S105 (a marker, not a secret)
MAX_DAYS = 3650
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)
# Checked tokens with their person, by digest. The stamp is read on every request; a token is
# kept a minute at most whatever it says (a change without a signal).
kept = Stamped("relaydesk:api-tokens", max_age=60.0)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(*, user: User, name: str, scope: str = Scope.READ, days: int | None = None) -> str:
    """Create a token for this person and return it, the only time it is readable."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Unknown scope.")})
    if days is not None and not 0 < days <= MAX_DAYS:
        raise ValidationError({"days": _("Enter between 1 and %(max)d days.") % {"max": MAX_DAYS}})
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        digest=digest(raw),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    return raw


def authenticate(raw: str) -> ApiToken | None:
    """The live token for this secret, its last use noted (at most once a minute)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    key = digest(raw)
    token = kept.get(
        key, lambda: ApiToken.objects.select_related("user").filter(digest=key).first()
    )
    if token is None:
        return None
    if token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    # The request gets its own copies: nothing it sets on them reaches another request.
    mine = copy.copy(token)
    mine.user = copy.copy(token.user)
    return mine


def revoke(*, user: User, token_id: int) -> bool:
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def _on_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    if sender is User and (
        kwargs.get("created") or kwargs.get("update_fields") == frozenset({"last_login"})
    ):
        return  # a new person has no token; a sign-in changes none
    kept.changed()


def connect() -> None:
    for model in (ApiToken, User):
        uid = f"api-tokens-{model._meta.label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
