"""Helpers for automation tests: agents with caps, and actions whose after-commit work runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from relaydesk.accounts.models import Access, Department, Membership, Role, User
from relaydesk.automation.models import AssignmentMode, DepartmentRouting
from relaydesk.conftest import make_user
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Ticket


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Run `func` and then its after-commit work, as a real commit would."""

    def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


def add_agent(department: Department, email: str, *, capacity: int = 0) -> User:
    user = make_user(email, Role.AGENT, name=email.split("@")[0].title())
    Membership.objects.create(
        user=user, department=department, access=Access.FULL, capacity=capacity
    )
    return user


def set_mode(department: Department, mode: str, **fields: Any) -> DepartmentRouting:
    routing, _ = DepartmentRouting.objects.update_or_create(
        department=department, defaults={"mode": mode, "sticky": False, **fields}
    )
    return routing


@pytest.fixture
def open_ticket(committed, customer) -> Iterator[Callable[..., Ticket]]:
    def make(department: Department | None, requester: User | None = None, **kwargs: Any):
        who = requester or customer
        ticket = committed(
            services.create_ticket,
            actor=who,
            requester=who,
            subject=kwargs.pop("subject", "Help"),
            body=services.Body("Please help."),
            channel=kwargs.pop("channel", Channel.PORTAL),
            department=department,
            **kwargs,
        )
        ticket.refresh_from_db()
        return ticket

    return make


__all__ = ["AssignmentMode", "add_agent", "set_mode"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are compared in English whatever an earlier test left active."""
    with translation.override("en"):
        yield
