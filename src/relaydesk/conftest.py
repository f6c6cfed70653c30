"""Personas shared by every test: admin, supervisor, agents of two departments, a read-only
agent, customers of one organization and a stranger."""

from __future__ import annotations

import pytest

from relaydesk.accounts.models import Access, Department, Membership, Organization, Role, User
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket

PASSWORD = "correct horse battery staple"


def make_user(email: str, role: str, **fields: object) -> User:
    return User.objects.create_user(email, PASSWORD, role=role, **fields)


@pytest.fixture
def support(db) -> Department:
    return Department.objects.create(name="Support", email="support@example.com")


@pytest.fixture
def sales(db) -> Department:
    return Department.objects.create(name="Sales", email="sales@example.com")


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(name="Acme", domains="acme.test")


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin@example.com", Role.ADMIN, name="Ada Admin", is_superuser=True)


@pytest.fixture
def supervisor(support) -> User:
    user = make_user("super@example.com", Role.SUPERVISOR, name="Sam Supervisor")
    Membership.objects.create(user=user, department=support, access=Access.FULL)
    return user


@pytest.fixture
def agent(support) -> User:
    user = make_user("alice@example.com", Role.AGENT, name="Alice Agent")
    Membership.objects.create(user=user, department=support, access=Access.FULL)
    return user


@pytest.fixture
def readonly_agent(support) -> User:
    user = make_user("rita@example.com", Role.AGENT, name="Rita Readonly")
    Membership.objects.create(user=user, department=support, access=Access.READ)
    return user


@pytest.fixture
def other_agent(sales) -> User:
    """An agent of another department (Sales only)."""
    user = make_user("bob@example.com", Role.AGENT, name="Bob Sales")
    Membership.objects.create(user=user, department=sales, access=Access.FULL)
    return user


@pytest.fixture
def customer(acme) -> User:
    return make_user("carol@acme.test", Role.CUSTOMER, name="Carol Customer", organization=acme)


@pytest.fixture
def colleague(acme) -> User:
    """Same organization as `customer`."""
    return make_user("cecil@acme.test", Role.CUSTOMER, name="Cecil Colleague", organization=acme)


@pytest.fixture
def other_customer(db) -> User:
    return make_user("dave@elsewhere.test", Role.CUSTOMER, name="Dave Stranger")


@pytest.fixture
def ticket(customer, support) -> Ticket:
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Printer on fire",
        body=services.Body("It started smoking this morning."),
        channel=Channel.PORTAL,
        department=support,
    )
