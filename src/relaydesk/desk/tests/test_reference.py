"""The desk's kept lists follow every change of the rows they hold."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from relaydesk.accounts.models import Department, Organization, Role
from relaydesk.conftest import make_user
from relaydesk.desk import reference
from relaydesk.tickets.models import (
    CustomField,
    CustomStatus,
    FieldKind,
    StatusCategory,
    TicketType,
)

pytestmark = pytest.mark.django_db


def list_page(client: Client) -> str:
    response = client.get("/desk/")
    assert response.status_code == 200
    return response.content.decode()


def test_lists_follow_writes_in_this_process(as_agent: Client, support: Department) -> None:
    assert "Quality" not in list_page(as_agent)
    quality = Department.objects.create(name="Quality")
    TicketType.objects.create(name="Outage")
    CustomStatus.objects.create(name="Waiting for parts", category=StatusCategory.PENDING)
    make_user("newbie@example.com", Role.AGENT, name="Nina Newbie")
    Organization.objects.create(name="Globex", domains="globex.test")
    page = list_page(as_agent)
    for text in ("Quality", "Outage", "Waiting for parts", "Nina Newbie", "Globex"):
        assert text in page
    quality.name = "Quality assurance"
    quality.save()
    assert "Quality assurance" in list_page(as_agent)
    quality.delete()
    assert "Quality" not in list_page(as_agent)


def test_a_new_customer_or_a_sign_in_keeps_the_lists(agent: Any) -> None:
    calls = []

    def load() -> list[int]:
        calls.append(1)
        return [1]

    reference.cached("probe", load)
    make_user("someone@customers.test", Role.CUSTOMER)
    agent.save(update_fields=["last_login"])
    reference.cached("probe", load)
    assert len(calls) == 1


def test_another_process_change_is_seen_through_the_shared_version() -> None:
    calls = []

    def load() -> int:
        calls.append(1)
        return len(calls)

    assert reference.cached("probe", load) == 1
    assert reference.cached("probe", load) == 1
    cache.set(reference.lists.key, "changed elsewhere")
    reference.lists.checked = 0.0  # a second has passed
    assert reference.cached("probe", load) == 2


def test_lists_expire_whatever_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    assert reference.cached("probe", lambda: calls.append(1) or len(calls)) == 1
    monkeypatch.setattr(reference.lists, "max_age", -1.0)
    assert reference.cached("probe", lambda: calls.append(1) or len(calls)) == 2


def test_custom_fields_follow_their_definitions(as_agent: Client, ticket: Any) -> None:
    url = f"/desk/tickets/{ticket.number}/"
    incident = TicketType.objects.create(name="Incident")
    ticket.type = incident
    ticket.save()
    field = CustomField.objects.create(key="serial", label="Serial number", kind=FieldKind.TEXT)
    field.ticket_types.add(TicketType.objects.create(name="Other"))
    assert "Serial number" not in as_agent.get(url).content.decode()
    field.ticket_types.add(incident)
    assert "Serial number" in as_agent.get(url).content.decode()
    field.label = "Device serial"
    field.save()
    assert "Device serial" in as_agent.get(url).content.decode()


def test_our_mail_domains_follow_mailboxes_and_departments(support: Department) -> None:
    from relaydesk.mail.models import Mailbox

    assert "acme.test" not in reference.our_domains()
    mailbox = Mailbox.objects.create(name="Help", address="help@acme.test", department=support)
    assert "acme.test" in reference.our_domains()
    support.email = "support@globex.test"
    support.save()
    assert {"acme.test", "globex.test"} <= reference.our_domains()
    mailbox.delete()
    assert "acme.test" not in reference.our_domains()
