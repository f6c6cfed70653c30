"""Service levels set up in the desk (`/desk/sla/`): calendars, policies in order, targets and
escalations, by administrators only; every save recomputes the open tickets after commit."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from relaydesk.conftest import signed_in
from relaydesk.sla.models import Action, Calendar, EscalationRule, Policy, Stage, Target
from relaydesk.sla.tasks import recompute_open_tickets
from relaydesk.sla.tests.test_admin import inline
from relaydesk.tickets.models import CustomField, FieldKind, Priority, Tag, Ticket

URLS = [
    "/desk/sla/",
    "/desk/sla/calendars/new/",
    "/desk/sla/policies/new/",
]


def calendar_data(**fields: str) -> dict[str, str]:
    return {
        "name": "Warsaw office",
        "time_zone": "Europe/Warsaw",
        "country": "pl",
        "subdivision": "",
        **inline(
            "ranges",
            [
                {"weekday": "0", "start": "09:00", "end": "13:00"},
                {"weekday": "0", "start": "14:00", "end": "18:00"},
                {"weekday": "4", "start": "22:00", "end": "06:00"},
            ],
        ),
        **inline("holidays", [{"date": "2026-06-05", "name": "Company day"}]),
        **fields,
    }


def target_rows(**normal: str) -> dict[str, str]:
    rows = [{"priority": str(p)} for p in sorted(Priority.values, reverse=True)]
    rows[2].update(normal)  # normal is the third, most urgent first
    return inline("targets", rows)


def policy_data(**fields: object) -> dict[str, object]:
    return {
        "name": "Gold",
        "is_active": "on",
        "calendar": "",
        "at_risk_percent": "75",
        "pause_statuses": ["pending"],
        "priorities": [],
        "tag_names": "",
        **inline("fields", []),
        **target_rows(first_response="30", next_response="", resolution="240"),
        **inline("escalations", []),
        **fields,
    }


def recomputes_queued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="recompute_open_tickets").count()


@pytest.mark.parametrize("url", URLS)
def test_an_admin_opens_every_setup_page(admin_user, policy, url):
    response = signed_in(admin_user).get(url)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode() or url == "/desk/sla/"


@pytest.mark.parametrize("persona", ["supervisor", "agent", "other_agent", "customer"])
def test_everyone_but_admins_is_refused_and_nothing_changes(request, persona, policy):
    calendar = Calendar.objects.create(name="Office")
    client = signed_in(request.getfixturevalue(persona))
    for url in [*URLS, f"/desk/sla/policies/{policy.pk}/", f"/desk/sla/calendars/{calendar.pk}/"]:
        assert client.get(url).status_code == 403
    posts = {
        "/desk/sla/calendars/new/": calendar_data(),
        f"/desk/sla/calendars/{calendar.pk}/": calendar_data(name="Hacked"),
        f"/desk/sla/calendars/{calendar.pk}/delete/": {},
        "/desk/sla/policies/new/": policy_data(),
        f"/desk/sla/policies/{policy.pk}/": policy_data(name="Hacked"),
        f"/desk/sla/policies/{policy.pk}/delete/": {},
        f"/desk/sla/policies/{policy.pk}/move/": {"direction": "down"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403
    assert list(Calendar.objects.values_list("name", flat=True)) == ["Office"]
    assert list(Policy.objects.values_list("name", flat=True)) == ["Standard"]
    assert recomputes_queued() == 0


def test_only_admins_see_the_setup_tab(admin_user, supervisor):
    assert "/desk/sla/" in signed_in(admin_user).get("/desk/sla/report/").content.decode()
    html = signed_in(supervisor).get("/desk/sla/report/").content.decode()
    assert 'href="/desk/sla/"' not in html


def test_an_admin_sets_up_a_calendar_with_split_and_overnight_hours(
    admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(admin_user).post("/desk/sla/calendars/new/", calendar_data())
    calendar = Calendar.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/sla/calendars/{calendar.pk}/"
    assert calendar.country == "PL"
    assert [str(r) for r in calendar.ranges.all()] == [
        "Monday 09:00–13:00",
        "Monday 14:00–18:00",
        "Friday 22:00–06:00",
    ]
    assert [(h.date, h.name) for h in calendar.holidays.all()] == [
        (dt.date(2026, 6, 5), "Company day")
    ]
    assert recomputes_queued() == 1
    page = signed_in(admin_user).get(f"/desk/sla/calendars/{calendar.pk}/").content.decode()
    assert 'value="22:00"' in page


def test_saving_a_policy_recomputes_the_open_tickets_due_times(
    admin_user, policy, ticket, django_capture_on_commit_callbacks
):
    """The page queues the bulk recompute after commit; when it runs the due times move."""
    data = policy_data(name="Standard", **target_rows(first_response="30", resolution="240"))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(admin_user).post(f"/desk/sla/policies/{policy.pk}/", data)
    assert response.status_code == 302
    assert recomputes_queued() == 1
    assert recompute_open_tickets.call() == 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.first_response_due_at == ticket.created_at + dt.timedelta(minutes=30)
    assert ticket.next_response_due_at is None
    assert ticket.resolution_due_at == ticket.created_at + dt.timedelta(minutes=240)
    # the urgent target the fixture had is gone: only the row with minutes is kept
    assert list(Target.objects.filter(policy=policy).values_list("priority", flat=True)) == [
        Priority.NORMAL
    ]


def test_an_admin_sets_up_a_policy_with_every_condition_and_an_escalation(
    admin_user, support, agent
):
    Tag.objects.create(name="vip")
    CustomField.objects.create(key="plan", label="Plan", kind=FieldKind.NUMBER)
    data = policy_data(
        priorities=["3", "4"],
        channels=["email"],
        departments=[str(support.pk)],
        tag_names="VIP",
        **inline("fields", [{"key": "plan", "value": "3"}]),
        **inline(
            "escalations",
            [
                {"stage": "breached", "kind": "", "action": "reassign", "agent": str(agent.pk)},
                {"stage": "at_risk", "kind": "first_response", "action": "notify_assignee"},
            ],
        ),
    )
    response = signed_in(admin_user).post("/desk/sla/policies/new/", data)
    assert response.status_code == 302
    policy = Policy.objects.get(name="Gold")
    assert policy.priorities == [3, 4]
    assert policy.channels == ["email"]
    assert policy.pause_statuses == ["pending"]
    assert policy.at_risk_percent == 75
    assert list(policy.departments.all()) == [support]
    assert [t.name for t in policy.tags.all()] == ["vip"]
    assert policy.custom_fields == {"plan": 3}
    rules = {(r.stage, r.action, r.agent_id) for r in policy.escalations.all()}
    assert rules == {
        (Stage.BREACHED, Action.REASSIGN, agent.pk),
        (Stage.AT_RISK, Action.NOTIFY_ASSIGNEE, None),
    }


def test_policies_are_reordered_and_a_new_one_comes_last(admin_user, policy):
    client = signed_in(admin_user)
    client.post("/desk/sla/policies/new/", policy_data(name="Gold"))
    client.post("/desk/sla/policies/new/", policy_data(name="Silver"))
    assert list(Policy.objects.values_list("name", flat=True)) == ["Standard", "Gold", "Silver"]
    silver = Policy.objects.get(name="Silver")
    assert client.post(f"/desk/sla/policies/{silver.pk}/move/", {"direction": "up"}).status_code
    assert list(Policy.objects.values_list("name", flat=True)) == ["Standard", "Silver", "Gold"]
    client.post(f"/desk/sla/policies/{policy.pk}/move/", {"direction": "up"})  # already first
    client.post(f"/desk/sla/policies/{policy.pk}/move/", {"direction": "sideways"})
    assert list(Policy.objects.values_list("name", flat=True)) == ["Standard", "Silver", "Gold"]


def test_a_calendar_in_use_is_not_deleted(admin_user, policy):
    calendar = Calendar.objects.create(name="Office")
    policy.calendar = calendar
    policy.save()
    client = signed_in(admin_user)
    response = client.post(f"/desk/sla/calendars/{calendar.pk}/delete/", follow=True)
    assert "This calendar is used by: Standard." in response.content.decode()
    assert Calendar.objects.exists()
    policy.calendar = None
    policy.save()
    client.post(f"/desk/sla/calendars/{calendar.pk}/delete/")
    assert not Calendar.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"country": "XX"}, "The holidays of this country or region are not known."),
        ({"subdivision": "NY", "country": ""}, "A region needs a country."),
        ({"name": "x" * 5000}, "at most 100 characters"),
        ({"name": ""}, "This field is required."),
        ({"ranges-0-start": "25:99"}, "Enter a valid time."),
        ({"ranges-0-weekday": "9"}, "Select a valid choice."),
        ({"holidays-0-date": "2026-02-30"}, "Enter a valid date."),
        ({"ranges-TOTAL_FORMS": "100000"}, "Please submit at most 42 forms."),
        ({"ranges-TOTAL_FORMS": "x"}, "ManagementForm data is missing or has been tampered"),
        (
            inline("holidays", [{"date": "2026-06-05"}, {"date": "2026-06-05"}]),
            "Please correct the duplicate data for date",
        ),
    ],
)
def test_a_bad_calendar_gets_a_clear_error_and_nothing_is_saved(admin_user, fields, error):
    response = signed_in(admin_user).post("/desk/sla/calendars/new/", calendar_data(**fields))
    assert response.status_code == 422
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not Calendar.objects.exists()
    assert recomputes_queued() == 0


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"at_risk_percent": "100"}, "less than or equal to 99"),
        ({"priorities": ["9"]}, "Select a valid choice."),
        ({"channels": ["pigeon"]}, "Select a valid choice."),
        ({"pause_statuses": ["solved"]}, "Select a valid choice."),
        ({"calendar": "999999"}, "Select a valid choice."),
        ({"tag_names": "nobody-uses-this"}, "No tickets have these tags yet: nobody-uses-this"),
        ({"tag_names": ",".join(f"t{i}" for i in range(30))}, "At most 20 tags."),
        ({"targets-2-first_response": "0"}, "greater than or equal to 1"),
        ({"targets-2-resolution": "10" * 40}, "less than or equal to"),
        ({"targets-2-priority": "1"}, "Give one row per priority."),
        ({"targets-TOTAL_FORMS": "5000"}, "Please submit at most 4 forms."),
        (inline("fields", [{"key": "nope", "value": "1"}]), "Select a valid choice."),
        (
            inline("escalations", [{"stage": "breached", "action": "reassign"}]),
            "Choose the agent to reassign to.",
        ),
        (
            inline("escalations", [{"stage": "at_risk", "action": "add_note", "note": " "}]),
            "Write the note to add.",
        ),
        (
            inline("escalations", [{"stage": "later", "action": "explode"}]),
            "Select a valid choice.",
        ),
    ],
)
def test_a_bad_policy_gets_a_clear_error_and_nothing_changes(admin_user, policy, fields, error):
    before = list(Target.objects.values_list("priority", "first_response"))
    response = signed_in(admin_user).post(f"/desk/sla/policies/{policy.pk}/", policy_data(**fields))
    assert response.status_code == 422
    assert error in response.content.decode()
    policy.refresh_from_db()
    assert policy.name == "Standard"
    assert list(Target.objects.values_list("priority", "first_response")) == before
    assert not EscalationRule.objects.exists()
    assert recomputes_queued() == 0


def test_a_custom_field_value_is_checked_against_its_kind(admin_user):
    CustomField.objects.create(key="seats", label="Seats", kind=FieldKind.NUMBER)
    data = policy_data(**inline("fields", [{"key": "seats", "value": "many"}]))
    response = signed_in(admin_user).post("/desk/sla/policies/new/", data)
    assert response.status_code == 422
    assert "Enter a number." in response.content.decode()
    assert not Policy.objects.exists()


def test_hostile_names_are_shown_as_text(admin_user):
    data = calendar_data(name="<script>alert(1)</script>")
    signed_in(admin_user).post("/desk/sla/calendars/new/", data)
    html = signed_in(admin_user).get("/desk/sla/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
