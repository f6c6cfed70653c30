"""`relaydesk createagent`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relaydesk.accounts.models import Access, Membership, Role, User


def createagent(*args):
    out = StringIO()
    call_command("createagent", *args, stdout=out)
    return out.getvalue()


def test_creates_an_agent_in_departments(support, sales):
    output = createagent(
        "New@Example.com",
        "--name",
        "New Agent",
        "--password",
        "s3cret-pass",
        "--department",
        "support",
        "--department",
        "Sales",
    )
    user = User.objects.get(email="new@example.com")
    assert "new@example.com" in output
    assert (user.name, user.role, user.is_superuser) == ("New Agent", Role.AGENT, False)
    assert user.check_password("s3cret-pass")
    assert set(Membership.objects.filter(user=user).values_list("department__name", "access")) == {
        ("Support", Access.FULL),
        ("Sales", Access.FULL),
    }


def test_read_only_admin_without_password(support):
    createagent(
        "boss@example.com",
        "--role",
        "admin",
        "--password",
        "-",
        "--read-only",
        "--department",
        "Support",
    )
    user = User.objects.get(email="boss@example.com")
    assert user.is_superuser
    assert user.is_staff
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).access == Access.READ


def test_duplicate_email_is_refused(agent):
    with pytest.raises(CommandError, match="exists"):
        createagent("ALICE@example.com", "--password", "x")
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ("new@example.com", "--password", "x", "--department", "Nowhere"),
        ("not-an-email", "--password", "x"),
        ("new@example.com", "--password", "x", "--role", "customer"),
    ],
)
def test_bad_arguments_create_nobody(support, args):
    before = User.objects.count()
    with pytest.raises(CommandError):
        createagent(*args)
    assert User.objects.count() == before
