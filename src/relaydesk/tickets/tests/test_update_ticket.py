"""Changing properties, transferring and logging time: one history line per difference."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relaydesk.accounts.models import Department, Membership
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    Category,
    CustomField,
    CustomStatus,
    EventKind,
    FieldKind,
    MessageKind,
    Priority,
    StatusCategory,
    Ticket,
    TicketEvent,
    TicketType,
)
from relaydesk.tickets.tests.helpers import nothing_changes


def history(ticket, kind=EventKind.FIELD):
    return {
        e.field: (e.before, e.after) for e in TicketEvent.objects.filter(ticket=ticket, kind=kind)
    }


@pytest.fixture
def fields(db):
    bug = TicketType.objects.create(name="Bug")
    return {
        "bug": bug,
        "text": CustomField.objects.create(key="serial", label="Serial", kind=FieldKind.TEXT),
        "number": CustomField.objects.create(key="seats", label="Seats", kind=FieldKind.NUMBER),
        "date": CustomField.objects.create(key="due", label="Due", kind=FieldKind.DATE),
        "dropdown": CustomField.objects.create(
            key="plan", label="Plan", kind=FieldKind.DROPDOWN, options=["free", "pro"]
        ),
        "checkbox": CustomField.objects.create(key="vip", label="VIP", kind=FieldKind.CHECKBOX),
    }


def test_each_changed_field_leaves_one_event_with_before_and_after(ticket, agent, supervisor):
    kind = TicketType.objects.create(name="Question")
    category = Category.objects.create(name="Hardware")
    ticket = services.update_ticket(
        ticket,
        actor=agent,
        subject="Printer still on fire",
        priority=Priority.URGENT,
        type=kind,
        category=category,
        assignee=supervisor,
        language="ru",
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.subject, fresh.priority, fresh.type, fresh.category, fresh.assignee) == (
        "Printer still on fire",
        Priority.URGENT,
        kind,
        category,
        supervisor,
    )
    changes = history(ticket)
    assert changes["subject"] == (
        {"id": "Printer on fire", "label": "Printer on fire"},
        {"id": "Printer still on fire", "label": "Printer still on fire"},
    )
    assert changes["priority"] == (
        {"id": Priority.NORMAL, "label": "Normal"},
        {"id": Priority.URGENT, "label": "Urgent"},
    )
    assert changes["type"] == (None, {"id": kind.pk, "label": "Question"})
    assert changes["category"] == (None, {"id": category.pk, "label": "Hardware"})
    assert changes["assignee"] == (None, {"id": supervisor.pk, "label": "Sam Supervisor"})
    assert changes["language"] == ({"id": "en", "label": "en"}, {"id": "ru", "label": "ru"})
    # Assigning a new ticket opens it.
    assert changes["status"][1]["id"] == StatusCategory.OPEN
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FIELD).count() == 7


def test_unchanged_values_leave_no_history(ticket, agent):
    before = TicketEvent.objects.count()
    services.update_ticket(
        ticket,
        actor=agent,
        subject=" Printer   on fire ",
        priority=Priority.NORMAL,
        status=StatusCategory.NEW,
        tags=[],
    )
    assert TicketEvent.objects.count() == before


def test_custom_status_is_stored_as_custom_id(ticket, agent):
    parts = CustomStatus.objects.create(name="Waiting for parts", category=StatusCategory.ON_HOLD)
    services.update_ticket(ticket, actor=agent, status=f"custom:{parts.pk}")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.custom_status, fresh.status_label) == (
        StatusCategory.ON_HOLD,
        parts,
        "Waiting for parts",
    )
    assert history(ticket)["status"] == (
        {"id": "new", "label": "New"},
        {"id": f"custom:{parts.pk}", "label": "Waiting for parts"},
    )
    services.update_ticket(ticket, actor=agent, status=StatusCategory.ON_HOLD)
    assert Ticket.objects.get(pk=ticket.pk).custom_status is None


def test_solving_stamps_and_reopening_clears_solved_at(ticket, agent):
    services.update_ticket(ticket, actor=agent, status=StatusCategory.SOLVED)
    assert Ticket.objects.get(pk=ticket.pk).solved_at is not None
    services.update_ticket(ticket, actor=agent, status=StatusCategory.PENDING)
    assert Ticket.objects.get(pk=ticket.pk).solved_at is None


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("serial", "  SN-1 ", "SN-1"),
        ("seats", "12", 12),
        ("seats", "2,5", 2.5),
        ("due", "2026-01-31", "2026-01-31"),
        ("plan", "pro", "pro"),
        ("vip", "on", True),
        ("vip", False, False),
    ],
)
def test_valid_custom_field_values(ticket, agent, fields, key, value, stored):
    services.update_ticket(ticket, actor=agent, custom_fields={key: value})
    assert Ticket.objects.get(pk=ticket.pk).custom_fields == {key: stored}
    assert history(ticket)[f"custom:{key}"] == (None, {"id": stored, "label": str(stored)})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("serial", "x" * 1001),
        ("seats", "many"),
        ("seats", "1e20"),
        ("seats", "NaN"),
        ("due", "31.01.2026"),
        ("plan", "gold"),
        ("vip", "maybe"),
        ("unknown", "1"),
    ],
)
def test_invalid_custom_field_values_change_nothing(ticket, agent, fields, key, value):
    with nothing_changes(), pytest.raises(ValidationError):
        services.update_ticket(ticket, actor=agent, custom_fields={key: value})


def test_custom_fields_merge_and_clear(ticket, agent, fields):
    services.update_ticket(ticket, actor=agent, custom_fields={"serial": "A", "seats": 3})
    services.update_ticket(ticket, actor=agent, custom_fields={"serial": None})
    assert Ticket.objects.get(pk=ticket.pk).custom_fields == {"seats": 3}
    assert history(ticket)["custom:serial"] == ({"id": "A", "label": "A"}, None)


def test_custom_fields_of_another_type_are_refused(ticket, agent, fields):
    fields["dropdown"].ticket_types.add(fields["bug"])
    with nothing_changes(), pytest.raises(ValidationError):
        services.update_ticket(ticket, actor=agent, custom_fields={"plan": "pro"})
    services.update_ticket(ticket, actor=agent, type=fields["bug"], custom_fields={"plan": "pro"})
    assert Ticket.objects.get(pk=ticket.pk).custom_fields == {"plan": "pro"}


def test_tags_are_cleaned_and_recorded(ticket, agent):
    services.update_ticket(ticket, actor=agent, tags=["#Urgent", "urgent", "  two   words "])
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["two words", "urgent"]
    assert history(ticket, EventKind.TAGS)["tags"] == ([], ["two words", "urgent"])


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": ""},
        {"subject": "x" * 251},
        {"priority": 0},
        {"priority": "high"},
        {"language": "klingon"},
        {"status": "done"},
        {"status": "custom:abc"},
        {"status": "custom:999"},
        {"tags": ["x" * 51]},
        {"tags": [str(i) for i in range(21)]},
        {"custom_fields": ["not", "a", "mapping"]},
        {"custom_fields": "serial=1"},
        {"requester": 1},
        {"number": 1},
        # A valid change together with an invalid one leaves nothing behind either.
        {"subject": "New subject", "priority": Priority.HIGH, "status": "nope"},
        {"subject": "New subject", "tags": ["ok", "y" * 60]},
    ],
)
def test_invalid_updates_change_nothing(ticket, agent, fields, changes):
    with nothing_changes(), pytest.raises(ValidationError):
        services.update_ticket(ticket, actor=agent, **changes)


@pytest.mark.parametrize("name", ["readonly_agent", "other_agent", "customer", "colleague"])
def test_only_agents_with_full_access_update(request, name, ticket):
    actor = request.getfixturevalue(name)
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.update_ticket(ticket, actor=actor, priority=Priority.HIGH)


def test_moving_to_a_department_needs_full_access_there(ticket, agent, sales):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.update_ticket(ticket, actor=agent, department=sales)


def test_assignee_must_work_in_the_department(ticket, agent, other_agent):
    with nothing_changes(), pytest.raises(ValidationError):
        services.update_ticket(ticket, actor=agent, assignee=other_agent)


def test_transfer_keeps_the_note_internal_and_records_the_move(ticket, agent, other_agent, sales):
    services.transfer(
        ticket, actor=agent, department=sales, assignee=other_agent, note="Customer wants a quote"
    )
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.department, fresh.assignee) == (sales, other_agent)
    note = fresh.messages.get(kind=MessageKind.NOTE)
    assert (note.body_text, note.author) == ("Customer wants a quote", agent)
    event = fresh.events.get(kind=EventKind.TRANSFER)
    assert event.before == {
        "department": {"id": ticket.department_id, "label": "Support"},
        "assignee": None,
    }
    assert event.after == {
        "department": {"id": sales.pk, "label": "Sales"},
        "assignee": {"id": other_agent.pk, "label": "Bob Sales"},
    }
    assert event.note == "Customer wants a quote"


@pytest.mark.parametrize(
    ("department", "assignee", "note"),
    [
        (None, None, ""),
        ("Support", None, ""),
        ("Sales", "agent", ""),
        ("Closed", None, ""),
        ("Sales", None, "x" * 200_001),
    ],
)
def test_invalid_transfers_change_nothing(
    request, ticket, agent, sales, department, assignee, note
):
    Department.objects.create(name="Closed", is_active=False)
    target = Department.objects.get(name=department) if department else None
    person = request.getfixturevalue(assignee) if assignee else None
    with nothing_changes(), pytest.raises(ValidationError):
        services.transfer(ticket, actor=agent, department=target, assignee=person, note=note)


def test_read_only_agent_cannot_transfer(ticket, readonly_agent, sales):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.transfer(ticket, actor=readonly_agent, department=sales, assignee=None, note="")


def test_log_time(ticket, agent):
    entry = services.log_time(ticket, actor=agent, minutes=25, note="call")
    assert (entry.minutes, entry.agent, entry.note) == (25, agent, "call")
    event = ticket.events.get(kind=EventKind.TIME)
    assert (event.after, event.note) == ({"minutes": 25}, "call")


@pytest.mark.parametrize("minutes", [0, -5, 1441, "30", 2.5, True])
def test_log_time_refuses_bad_minutes(ticket, agent, minutes):
    with nothing_changes(), pytest.raises(ValidationError):
        services.log_time(ticket, actor=agent, minutes=minutes)


@pytest.mark.parametrize("name", ["readonly_agent", "other_agent", "customer"])
def test_log_time_needs_change_access(request, ticket, name):
    with nothing_changes(), pytest.raises(PermissionDenied):
        services.log_time(ticket, actor=request.getfixturevalue(name), minutes=5)


def test_agent_with_full_access_in_both_departments_moves_the_ticket(ticket, supervisor, sales):
    Membership.objects.create(user=supervisor, department=sales)
    services.update_ticket(ticket, actor=supervisor, department=sales)
    assert Ticket.objects.get(pk=ticket.pk).department == sales


def test_history_lines_are_immutable(ticket):
    event = ticket.events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        event.save()


def test_nul_characters_are_dropped_from_text_values(ticket, agent, fields):
    services.update_ticket(ticket, actor=agent, custom_fields={"serial": "A\x00B"})
    entry = services.log_time(ticket, actor=agent, minutes=5, note="ca\x00ll")
    assert Ticket.objects.get(pk=ticket.pk).custom_fields == {"serial": "AB"}
    entry.refresh_from_db()
    assert entry.note == "call"


@pytest.mark.parametrize(
    ("names", "add", "remove", "expected"),
    [
        (["a", "b"], ["c"], [], ["a", "b", "c"]),
        (["a", "b"], ["b", "c", "c"], [], ["a", "b", "c"]),  # each name once, order kept
        (["a", "b"], [], ["a"], ["b"]),
        (["a", "b"], ["a"], ["a"], ["b", "a"]),  # removed first, then added back at the end
        ([], [], ["x"], []),
    ],
)
def test_retag_removes_then_adds_each_name_once(names, add, remove, expected):
    assert services.retag(names, add=add, remove=remove) == expected
