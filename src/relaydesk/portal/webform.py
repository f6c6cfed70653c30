"""The embeddable contact form (PO3): spam checks without third parties, then a ticket.

- honeypot: a field people do not see; a bot that fills it gets the thank-you page and no ticket;
- time trap: the iframe form carries a signed time; answers faster than a person types are
  refused, stale forms too;
- rate limits per IP and per address (portal/throttle.py)."""

from __future__ import annotations

import time

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from relaydesk.accounts.services import find_or_create_customer
from relaydesk.portal.models import WebForm
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket

SALT = "relaydesk.portal.webform"
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60
HONEYPOT = "website"


def stamp() -> str:
    return signing.dumps(int(time.time()), salt=SALT)


def too_fast_or_stale(token: str) -> str | None:
    """Why the signed time is refused, or None. A missing one is allowed (plain HTML posts)."""
    if not token:
        return None
    try:
        started = int(signing.loads(token, salt=SALT, max_age=MAX_SECONDS))
    except (signing.BadSignature, TypeError, ValueError):
        return _("This form has expired. Please reload the page and send it again.")
    age = time.time() - started
    if age > MAX_SECONDS:
        return _("This form has expired. Please reload the page and send it again.")
    if age < MIN_SECONDS:
        return _("That was very fast. Please check your message and send it again.")
    return None


@transaction.atomic
def submit(
    form: WebForm, *, email: str, name: str, subject: str, message: str, language: str
) -> Ticket:
    requester = find_or_create_customer(email, name)
    return services.create_ticket(
        actor=requester,
        requester=requester,
        subject=subject,
        body=services.Body(message),
        channel=Channel.WEB_FORM,
        department=form.department if form.department and form.department.is_active else None,
        language=language,
    )
