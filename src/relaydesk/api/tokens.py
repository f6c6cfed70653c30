"""Issuing, checking and revoking API tokens. Tokens are random; only their hash is stored."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.api.models import ApiToken, Scope

TOKEN_PREFIX = "rd_"  # noqa: S105 (a marker, not a secret)
MAX_DAYS = 3650
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)


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
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(*, user: User, token_id: int) -> bool:
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)
