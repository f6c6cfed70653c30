"""Mail senders and CCs as customers, joined to their organization by domain (CH3)."""

from __future__ import annotations

from relaydesk.accounts.models import User
from relaydesk.accounts.services import find_or_create_customer
from relaydesk.mail import lookups
from relaydesk.tickets import events


def customer_for(address: str, name: str = "") -> User:
    """The customer behind this address (created if new); `ValidationError` for an agent's or
    a disabled address."""
    user = lookups.remembered(address) or find_or_create_customer(
        address, name, unknown=lookups.unknown(address), savepoint=events.savepoints_needed()
    )
    if user.organization_id is None:
        organization = lookups.organization_for(user.email.rpartition("@")[2])
        if organization is not None:
            User.objects.filter(pk=user.pk, organization=None).update(organization=organization)
            user.organization = organization
    lookups.remember(address, user)
    return user
