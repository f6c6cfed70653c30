"""Trigger screens: a form without JSON, clear refusals, dry run, and who may use them."""

from __future__ import annotations

import pytest

from relaydesk.automation.models import Trigger
from relaydesk.conftest import signed_in

pytestmark = pytest.mark.django_db


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Portal to Alice",
        "on": "created",
        "match": "all",
        "position": "1",
        "is_active": "on",
        "c-TOTAL_FORMS": "2",
        "c-INITIAL_FORMS": "0",
        "c-0-field": "channel",
        "c-0-operator": "is",
        "c-0-value": "portal",
        "c-1-field": "",
        "a-TOTAL_FORMS": "2",
        "a-INITIAL_FORMS": "0",
        "a-0-kind": "set_assignee",
        "a-0-value": "alice@example.com",
        "a-1-kind": "",
    }
    data.update(overrides)
    return data


def test_supervisor_creates_edits_and_dry_runs_a_trigger(supervisor, agent, ticket):
    client = signed_in(supervisor)
    assert client.get("/desk/automation/triggers/new/").status_code == 200
    response = client.post("/desk/automation/triggers/new/", form_data())
    assert response.status_code == 302
    trigger = Trigger.objects.get()
    assert [(c.field, c.operator, c.value) for c in trigger.conditions.all()] == [
        ("channel", "is", "portal")
    ]
    assert [(a.kind, a.value) for a in trigger.actions.all()] == [
        ("set_assignee", "alice@example.com")
    ]
    page = client.get(f"/desk/automation/triggers/{trigger.pk}/").content.decode()
    assert 'value="portal"' in page
    dry = client.get(f"/desk/automation/triggers/{trigger.pk}/dry-run/").content.decode()
    assert f"#{ticket.number}" in dry
    assert "Nothing was changed" in dry
    listing = client.get("/desk/automation/triggers/").content.decode()
    assert "Portal to Alice" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"c-0-value": "carrier pigeon"}, "Unknown channel"),
        ({"a-0-value": "nobody@example.com"}, "no active agent"),
        ({"a-0-kind": "", "a-0-value": ""}, "needs an action"),
        ({"name": ""}, "required"),
        ({"c-0-field": "<script>"}, "not one of the available choices"),
        ({"c-TOTAL_FORMS": "5000"}, "30"),
        ({"a-0-value": "x" * 6000}, "at most 5000"),
        ({"position": "-4"}, "greater than or equal"),
    ],
)
def test_malformed_rule_is_refused_and_nothing_saved(supervisor, agent, overrides, message):
    response = signed_in(supervisor).post("/desk/automation/triggers/new/", form_data(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Trigger.objects.exists()


def test_delete(admin_user, agent):
    client = signed_in(admin_user)
    client.post("/desk/automation/triggers/new/", form_data())
    trigger = Trigger.objects.get()
    assert client.post(f"/desk/automation/triggers/{trigger.pk}/delete/").status_code == 302
    assert not Trigger.objects.exists()


@pytest.mark.parametrize("persona", ["agent", "other_agent", "customer"])
def test_agents_and_customers_are_refused(request, persona, admin_user):
    client = signed_in(admin_user)
    client.post("/desk/automation/triggers/new/", form_data(**{"a-0-value": admin_user.email}))
    trigger = Trigger.objects.get()
    client = signed_in(request.getfixturevalue(persona))
    for url in ("", "new/", f"{trigger.pk}/", f"{trigger.pk}/dry-run/"):
        assert client.get(f"/desk/automation/triggers/{url}").status_code == 403
    assert client.post("/desk/automation/triggers/new/", form_data()).status_code == 403
    assert client.post(f"/desk/automation/triggers/{trigger.pk}/delete/").status_code == 403
    assert Trigger.objects.count() == 1
