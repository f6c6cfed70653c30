"""Calendars and policies are configured in /admin/; saving one recomputes the open tickets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from relaydesk.sla.engine import recompute_open
from relaydesk.sla.models import Calendar, Policy
from relaydesk.tickets.models import Ticket


def inline(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


@pytest.mark.parametrize("model", ["calendar", "policy"])
def test_admin_reaches_the_sla_configuration(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:sla_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:sla_{model}_add")).status_code == 200


@pytest.mark.parametrize("persona", ["agent", "supervisor", "customer"])
def test_only_admins_configure_slas(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("admin:sla_policy_changelist")).status_code == 302


def calendar_form(**fields: str) -> dict[str, str]:
    return {
        "name": "Warsaw office",
        "time_zone": "Europe/Warsaw",
        "country": "pl",
        "subdivision": "",
        **inline("ranges", [{"weekday": "0", "start": "09:00", "end": "17:00"}]),
        **inline("holidays", [{"date": "2026-06-05", "name": "Company day"}]),
        **fields,
    }


def test_admin_creates_a_calendar_and_the_open_tickets_are_recomputed_after_commit(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:sla_calendar_add"), calendar_form())
    assert response.status_code == 302
    calendar = Calendar.objects.get()
    assert calendar.country == "PL"
    assert calendar.ranges.count() == 1
    assert calendar.holidays.count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="recompute_open_tickets").exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone."),
        ({"country": "XX"}, "The holidays of this country or region are not known."),
        ({"subdivision": "NY", "country": ""}, "A region needs a country."),
        ({"name": "x" * 500}, "at most 100 characters"),
    ],
)
def test_a_bad_calendar_is_refused_and_nothing_is_saved(client, admin_user, fields, error):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_calendar_add"), calendar_form(**fields))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Calendar.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("priorities", [9]),
        ("priorities", ["1"]),
        ("channels", ["pigeon"]),
        ("pause_statuses", ["solved"]),
        ("custom_fields", {"plan": ["gold"]}),
        ("at_risk_percent", 100),
    ],
)
def test_a_policy_with_bad_conditions_is_refused(db, field, value):
    with pytest.raises(ValidationError) as error:
        Policy(name="Bad", **{field: value}).full_clean()
    assert field in error.value.message_dict


def test_a_calendar_change_moves_open_due_times(policy, ticket):
    calendar = Calendar.objects.create(name="Night", time_zone="UTC")
    for day in range(7):
        calendar.ranges.create(weekday=day, start=dt.time(22), end=dt.time(2))
    policy.calendar = calendar
    policy.save()
    assert recompute_open() == 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.first_response_due_at is not None
    due = ticket.first_response_due_at
    assert due.hour in (22, 23, 0, 1, 2)
