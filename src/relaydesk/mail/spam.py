"""Mark as spam (TK9): the ticket is closed and tagged, its sender's address — or their whole
domain — blocked, so later mail from them is kept as spam and opens nothing.

A domain is never blocked when it is one of ours (a mailbox's address or alias, a
department's address, or a domain above one of them) or a common free-mail provider, where
blocking the domain would shut out every other customer who writes from it: there only the
address can be blocked."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Department, User
from relaydesk.mail.models import BlockedSender, Mailbox
from relaydesk.tickets import services
from relaydesk.tickets.models import StatusCategory, Ticket
from relaydesk.tickets.visibility import can_change

SPAM_TAG = "spam"
ADDRESS, DOMAIN = "address", "domain"

# Providers whose domain is shared by countless unrelated people.
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk",
        "live.com", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com",
        "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.com", "gmx.de",
        "gmx.net", "web.de", "t-online.de", "mail.com", "proton.me", "protonmail.com",
        "pm.me", "tutanota.com", "zoho.com", "fastmail.com", "yandex.ru", "yandex.com",
        "ya.ru", "mail.ru", "bk.ru", "list.ru", "inbox.ru", "rambler.ru", "ukr.net",
        "wp.pl", "o2.pl", "onet.pl", "interia.pl", "op.pl", "poczta.fm", "yahoo.ro",
        "chmail.ir", "qq.com", "163.com", "126.com", "naver.com",
    }
)  # fmt: skip


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def our_domains() -> set[str]:
    addresses: list[str] = []
    for mailbox in Mailbox.objects.all():
        addresses.extend(mailbox.addresses)
    addresses.extend(Department.objects.exclude(email="").values_list("email", flat=True))
    return {domain_of(a) for a in addresses if "@" in a}


def domain_refusal(domain: str, *, ours: Callable[[], set[str]] = our_domains) -> str:
    """Why this domain may not be blocked as a whole; empty when it may. `ours` gives our own
    domains (read from the database unless the caller has them)."""
    if not domain or "." not in domain:
        return _("The sender's address has no domain that could be blocked.")
    if any(own == domain or own.endswith(f".{domain}") for own in ours()):
        return _("%(domain)s is one of our own domains; block the address instead.") % {
            "domain": domain
        }
    if domain in FREE_MAIL:
        return _(
            "%(domain)s is a free-mail provider shared by many customers; block the address "
            "instead."
        ) % {"domain": domain}
    return ""


@transaction.atomic
def mark_spam(ticket: Ticket, *, actor: User, block: str = ADDRESS) -> BlockedSender:
    """Close and tag the ticket and block its requester's address (`block="address"`) or
    domain (`block="domain"`). Refused for anyone who may not change the ticket, and for a
    domain `domain_refusal` names a reason against."""
    if not can_change(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))
    address = ticket.requester.email.lower()
    if block == DOMAIN:
        pattern = domain_of(address)
        refusal = domain_refusal(pattern)
        if refusal:
            raise ValidationError({"block": refusal})
    elif block == ADDRESS:
        pattern = address
    else:
        raise ValidationError({"block": _("Choose whether to block the address or the domain.")})
    blocked, _created = BlockedSender.objects.get_or_create(
        pattern=pattern, defaults={"created_by": actor}
    )
    tags = [*ticket.tags.values_list("name", flat=True), SPAM_TAG]
    services.update_ticket(ticket, actor=actor, status=StatusCategory.CLOSED, tags=tags)
    return blocked
