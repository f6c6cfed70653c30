"""Who is calling: a bearer token or the desk's session, and how often (AP1)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.security import HttpBearer, SessionAuth

from relaydesk.accounts.models import User
from relaydesk.api import tokens
from relaydesk.api.models import ApiToken

RATE_WINDOW = 60  # seconds


def throttle(key: str, limit: int) -> None:
    """A fixed window per caller in the shared cache (Redis in production): `limit` requests
    a minute, then 429 with the seconds until the window ends."""
    now = time.time()
    window = int(now // RATE_WINDOW)
    cache_key = f"api-rate:{key}:{window}"
    try:  # one call a request once the window has started (Redis: two round trips, not three)
        count = cache.incr(cache_key)
    except ValueError:  # the window's first request, or its counter was evicted
        count = 1 if cache.add(cache_key, 1, RATE_WINDOW + 5) else cache.incr(cache_key)
    if count > limit:
        raise Throttled(wait=int((window + 1) * RATE_WINDOW - now) + 1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = tokens.authenticate(token.strip())
        if found is None:
            return None
        throttle(f"token:{found.pk}", settings.API_RATE_LIMIT)
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class DeskSessionAuth(SessionAuth):
    """The desk's own pages call the API with their session cookie (and CSRF token)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return None
        throttle(f"user:{user.pk}", settings.API_RATE_LIMIT)
        request.api_token = None  # type: ignore[attr-defined]
        return user


class Anonymous:
    """For what is public anyway (the knowledge base): a request without credentials reads as
    nobody, limited per address. A request that sends a bad token is still refused."""

    def __call__(self, request: HttpRequest) -> AnonymousUser | None:
        if request.headers.get("Authorization"):
            return None
        throttle(f"ip:{request.META.get('REMOTE_ADDR', '')}", settings.API_RATE_LIMIT)
        request.api_token = None  # type: ignore[attr-defined]
        return AnonymousUser()


AUTH: list[Any] = [TokenAuth(), DeskSessionAuth()]
ANONYMOUS = Anonymous()


def caller(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def reader(request: HttpRequest) -> User | AnonymousUser:
    """The caller of an operation that also answers callers without credentials."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User | AnonymousUser)
    return user


def require_write(request: HttpRequest) -> User:
    """The caller, if their token may change things (a session always may)."""
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None and not token.can_write:
        raise PermissionDenied(_("This token is read-only."))
    return caller(request)


def require_agent(request: HttpRequest) -> User:
    user = caller(request)
    if not user.is_agent:
        raise PermissionDenied(_("Only agents may do this."))
    return user
