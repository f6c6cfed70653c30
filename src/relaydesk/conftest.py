"""Personas shared by every test: admin, supervisor, agents of two departments, a read-only
agent, customers of one organization and a stranger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from relaydesk.accounts.models import Access, Department, Membership, Organization, Role, User
from relaydesk.desk import reference
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def _pool_closed_before_teardown(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """PostgreSQL's per-process pool gives its connections back before the test database is
    dropped (else: "database is being accessed by other users")."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.vendor == "postgresql":
                connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's own


@pytest.fixture(autouse=True)
def _fresh_reference_lists() -> None:
    """Each test starts without the desk's lists kept from rows another test rolled back."""
    reference.forget()


def make_user(email: str, role: str, **fields: Any) -> User:
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


def portal_ticket(customer: User, department: Department | None, **extra: Any) -> Ticket:
    """A ticket a customer opened in the portal: the suite's usual one."""
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Printer on fire",
        body=services.Body("It started smoking this morning."),
        channel=Channel.PORTAL,
        department=department,
        **extra,
    )


@pytest.fixture
def ticket(customer, support) -> Ticket:
    return portal_ticket(customer, support)


HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user: User) -> Client:
    """A browser session of this person, signed in through the real sign-in backend."""
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def as_agent(agent) -> Client:
    return signed_in(agent)


@pytest.fixture
def as_readonly(readonly_agent) -> Client:
    return signed_in(readonly_agent)


@pytest.fixture
def as_other_agent(other_agent) -> Client:
    return signed_in(other_agent)


@pytest.fixture
def as_customer(customer) -> Client:
    return signed_in(customer)
