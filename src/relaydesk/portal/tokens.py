"""Signed, expiring links for the portal's mails (STYLE 7): never an id plus an address.

- A sign-in link works once: it carries a digest of the account's password and last sign-in,
  and signing in changes the latter.
- A sign-up link carries the address it was sent to (that is the verification) and the name
  and language given; it is refused once that address has an account with a password.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from relaydesk.accounts.models import User

LOGIN_SALT = "relaydesk.portal.login-link"
SIGNUP_SALT = "relaydesk.portal.signup"
LOGIN_MAX_AGE = 15 * 60
SIGNUP_MAX_AGE = 3 * 24 * 60 * 60


def _state(user: User | None) -> str:
    """Changes when the account's password is set or the account signs in."""
    if user is None:
        return ""
    last = user.last_login.isoformat() if user.last_login else ""
    value = f"{user.pk}|{user.password}|{last}|{user.email}|{user.is_active}"
    return salted_hmac(LOGIN_SALT, value, algorithm="sha256").hexdigest()[:32]


def login_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=LOGIN_SALT, compress=True)


def user_for_login_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=LOGIN_SALT, max_age=LOGIN_MAX_AGE)
        user = User.objects.get(pk=int(data["u"]), is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    return user if constant_time_compare(_state(user), str(data.get("s", ""))) else None


def signup_token(email: str, name: str, language: str) -> str:
    payload = {"e": email, "n": name, "l": language}
    return signing.dumps(payload, salt=SIGNUP_SALT, compress=True)


def signup_for_token(token: str) -> dict[str, Any] | None:
    """{"email", "name", "language"} of a valid link whose address has no password yet."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
        email, name, language = str(data["e"]), str(data["n"]), str(data["l"])
    except (signing.BadSignature, KeyError, TypeError):
        return None
    user = User.objects.filter(email=email).first()
    if user is not None and (user.has_usable_password() or not user.is_customer):
        return None
    if user is not None and not user.is_active:
        return None
    return {"email": email, "name": name, "language": language}
