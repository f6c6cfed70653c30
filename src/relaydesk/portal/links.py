"""Absolute, signed links into the portal that mails carry."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from relaydesk.accounts.models import User
from relaydesk.portal import satisfaction
from relaydesk.tickets.models import Ticket

UNSUBSCRIBE_SALT = "relaydesk.portal.unsubscribe"


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def request_url(ticket: Ticket) -> str:
    return absolute(reverse("portal:request", args=[ticket.number]))


def unsubscribe_url(user: User) -> str:
    token = signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("portal:unsubscribe", args=[token]))


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        return User.objects.get(pk=int(signing.loads(token, salt=UNSUBSCRIBE_SALT)))
    except (signing.BadSignature, User.DoesNotExist, TypeError, ValueError):
        return None


def rating_links(ticket: Ticket) -> list[tuple[str, str]]:
    """(label, url) per offered score when the request can be rated now, else nothing."""
    if not satisfaction.can_rate(ticket.requester, ticket):
        return []
    path = reverse("portal:rate_link", args=[satisfaction.rating_token(ticket)])
    return [(label, absolute(f"{path}?score={score}")) for score, label in satisfaction.choices()]
