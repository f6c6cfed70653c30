"""Fixed-window rate limits in the cache (Redis when configured, so shared by every process).

Used on everything a stranger can make the site do: account mails, sign-in attempts."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one more hit of `subject` (an address, an IP) in `scope`; False over the limit."""
    digest = hashlib.sha256(f"{scope}|{subject.lower()}".encode()).hexdigest()[:32]
    key = f"relaydesk:throttle:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return True
