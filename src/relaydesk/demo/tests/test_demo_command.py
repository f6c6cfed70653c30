"""The command's guards against loading over existing data (the demo itself: test_demo.py)."""

import io

import pytest
from django.core.management import CommandError, call_command

from relaydesk.accounts.models import Department, User
from relaydesk.tickets.models import Ticket


def test_demo_if_empty_does_nothing_when_a_user_exists(customer):
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert User.objects.count() == 1
    assert not Ticket.objects.exists()
    assert not Department.objects.exists()


def test_demo_refuses_a_database_that_has_data(ticket):
    with pytest.raises(CommandError, match="empty database"):
        call_command("demo", stdout=io.StringIO())
    assert Ticket.objects.count() == 1
    assert Department.objects.count() == 1
