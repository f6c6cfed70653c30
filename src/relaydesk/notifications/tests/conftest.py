"""Actions whose after-commit work (the notifications) runs, as a real commit would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def _mail_at_once(settings) -> None:
    settings.NOTIFY_MAIL_DELAY = 0
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def ticket(customer, support, committed):
    """The shared persona ticket, created as a committed action (its after-commit work done)."""
    from relaydesk.tickets import services
    from relaydesk.tickets.models import Channel

    return committed(
        services.create_ticket,
        actor=customer,
        requester=customer,
        subject="Printer on fire",
        body=services.Body("It is on fire."),
        channel=Channel.PORTAL,
        department=support,
    )
