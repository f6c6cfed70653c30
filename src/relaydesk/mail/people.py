"""Mail senders and CCs as customers, joined to their organization by domain (CH3)."""

from __future__ import annotations

from relaydesk.accounts.models import Organization, User
from relaydesk.accounts.services import find_or_create_customer
from relaydesk.mail import lookups


def organization_for(address: str) -> Organization | None:
    domain = address.rpartition("@")[2].lower()
    candidates = Organization.objects.filter(domains__icontains=domain).only("id", "domains")
    for organization in candidates:
        if domain in {d.strip().lower() for d in organization.domains.split(",")}:
            return organization
    return None


def customer_for(address: str, name: str = "") -> User:
    """The customer behind this address (created if new); `ValidationError` for an agent's or
    a disabled address."""
    known = lookups.remembered(address)
    if known is not None:
        return known
    user = find_or_create_customer(address, name)
    if user.organization_id is None:
        organization = organization_for(user.email)
        if organization is not None:
            User.objects.filter(pk=user.pk, organization=None).update(organization=organization)
            user.organization = organization
    lookups.remember(address, user)
    return user
