"""HMAC-SHA256 signatures with a timestamp, so a receiver can refuse forged and replayed
deliveries. Header: `Relaydesk-Signature: t=<unix seconds>,v1=<hex digest>`, the digest over
`"<t>.<raw body>"` with the endpoint's secret."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Relaydesk-Signature"
TOLERANCE = 300  # seconds


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, *, now: float | None = None, tolerance: int = TOLERANCE
) -> bool:
    """Is this a signature of this body by this secret, made within `tolerance` seconds?"""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
