"""Trigger screens: a form without JSON, clear refusals, dry run, and who may use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relaydesk.automation.models import TimeRule, Trigger
from relaydesk.conftest import signed_in
from relaydesk.tickets import services
from relaydesk.tickets.models import Ticket

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


def time_rule_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Pending reminder",
        "status": "pending",
        "clock": "status",
        "after": "5",
        "unit": "days",
        "match": "all",
        "position": "0",
        "is_active": "on",
        "c-TOTAL_FORMS": "1",
        "c-INITIAL_FORMS": "0",
        "c-0-field": "channel",
        "c-0-operator": "is",
        "c-0-value": "portal",
        "a-TOTAL_FORMS": "1",
        "a-INITIAL_FORMS": "0",
        "a-0-kind": "reply",
        "a-0-value": "Any news on {{ ticket.number }}?",
    }
    data.update(overrides)
    return data


def test_supervisor_creates_and_dry_runs_a_time_rule(supervisor, agent, ticket):
    client = signed_in(supervisor)
    assert "Time rules" in client.get("/desk/automation/triggers/").content.decode()
    assert client.get("/desk/automation/time-rules/new/").status_code == 200
    response = client.post("/desk/automation/time-rules/new/", time_rule_data())
    assert response.status_code == 302
    rule = TimeRule.objects.get()
    assert (rule.status, rule.clock, rule.minutes) == ("pending", "status", 5 * 24 * 60)
    page = client.get(f"/desk/automation/time-rules/{rule.pk}/").content.decode()
    assert 'value="5"' in page
    assert 'value="days" selected' in page
    assert "5 days" in client.get("/desk/automation/time-rules/").content.decode()
    dry = client.get(f"/desk/automation/time-rules/{rule.pk}/dry-run/").content.decode()
    assert "0 of the 0 tickets past the rule's time" in dry
    services.update_ticket(ticket, actor=agent, status="pending")
    Ticket.objects.filter(pk=ticket.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=6)
    )
    dry = client.get(f"/desk/automation/time-rules/{rule.pk}/dry-run/").content.decode()
    assert f"#{ticket.number}" in dry
    assert "1 of the 1 tickets" in dry
    assert not ticket.messages.filter(kind="reply").exists()
    assert client.post(f"/desk/automation/time-rules/{rule.pk}/delete/").status_code == 302
    assert not TimeRule.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"after": "0"}, "greater than or equal to 1"),
        ({"after": "100001"}, "less than or equal to 100000"),
        ({"after": "400", "unit": "days"}, "between a minute and a year"),
        ({"unit": "fortnights"}, "not one of the available choices"),
        ({"status": "waiting"}, "not one of the available choices"),
        ({"after": "five"}, "whole number"),
        ({"c-0-value": "carrier pigeon"}, "Unknown channel"),
        ({"a-0-value": "   "}, "The message is empty"),
    ],
)
def test_malformed_time_rule_is_refused_and_nothing_saved(supervisor, overrides, message):
    response = signed_in(supervisor).post(
        "/desk/automation/time-rules/new/", time_rule_data(**overrides)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not TimeRule.objects.exists()


@pytest.mark.parametrize("persona", ["agent", "other_agent", "customer"])
def test_agents_and_customers_are_refused_time_rules(request, persona, admin_user):
    signed_in(admin_user).post("/desk/automation/time-rules/new/", time_rule_data())
    rule = TimeRule.objects.get()
    client = signed_in(request.getfixturevalue(persona))
    for url in ("", "new/", f"{rule.pk}/", f"{rule.pk}/dry-run/"):
        assert client.get(f"/desk/automation/time-rules/{url}").status_code == 403
    assert client.post("/desk/automation/time-rules/new/", time_rule_data()).status_code == 403
    assert client.post(f"/desk/automation/time-rules/{rule.pk}/delete/").status_code == 403
    edit = client.post(f"/desk/automation/time-rules/{rule.pk}/", time_rule_data(name="X"))
    assert edit.status_code == 403
    assert TimeRule.objects.get().name == "Pending reminder"


def test_unknown_time_rule_is_404(admin_user):
    assert signed_in(admin_user).get("/desk/automation/time-rules/999/").status_code == 404
