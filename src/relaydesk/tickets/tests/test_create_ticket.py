"""Opening tickets: numbers, first message, history, and who may open what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from relaydesk.accounts.models import Department, Role
from relaydesk.conftest import make_user
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    Channel,
    CustomField,
    Direction,
    EventKind,
    FieldKind,
    MessageKind,
    Priority,
    StatusCategory,
    Ticket,
)
from relaydesk.tickets.tests.helpers import nothing_changes, upload

Body = services.Body


def open_ticket(actor, requester, **extra):
    fields = {
        "subject": "Invoice missing",
        "body": Body("Where is my invoice?"),
        "channel": Channel.PHONE,
    }
    fields.update(extra)
    return services.create_ticket(actor=actor, requester=requester, **fields)


def test_number_is_offset_plus_id_and_unique(customer, support, settings):
    first = open_ticket(customer, customer, department=support)
    second = open_ticket(customer, customer, department=support)
    assert first.number == settings.TICKET_NUMBER_OFFSET + first.pk
    assert second.number == settings.TICKET_NUMBER_OFFSET + second.pk
    assert Ticket.objects.get(pk=first.pk).number == first.number
    assert first.number != second.number


def test_customer_opens_own_ticket_with_first_message_and_event(customer, support, acme):
    ticket = open_ticket(customer, customer, department=support, channel=Channel.PORTAL)
    assert ticket.status == StatusCategory.NEW
    assert ticket.organization == acme
    assert ticket.language == customer.language
    message = ticket.messages.get()
    assert (message.kind, message.author, message.direction, message.channel) == (
        MessageKind.CUSTOMER,
        customer,
        Direction.INBOUND,
        Channel.PORTAL,
    )
    assert message.body_text == "Where is my invoice?"
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED
    assert event.actor == customer
    assert event.after == {"channel": Channel.PORTAL, "subject": "Invoice missing"}


def test_agent_opens_ticket_for_customer_assigned_and_open(agent, customer, support):
    ticket = open_ticket(
        agent,
        customer,
        department=support,
        assignee=agent,
        priority=Priority.HIGH,
        tags=["VIP", " #vip ", "billing"],
        attachments=[upload("photo.png", b"\x89PNG")],
    )
    assert ticket.status == StatusCategory.OPEN
    assert ticket.assignee == agent
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "vip"]
    message = ticket.messages.get()
    assert message.author == customer
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "photo.png",
        "image/png",
        4,
    )
    assert ticket.events.get().actor == agent


def test_customer_cannot_open_for_someone_else(customer, other_customer):
    with nothing_changes(), pytest.raises(PermissionDenied):
        open_ticket(customer, other_customer)


def test_customer_cannot_assign(customer, agent, support):
    with nothing_changes(), pytest.raises(PermissionDenied):
        open_ticket(customer, customer, department=support, assignee=agent)


@pytest.mark.parametrize("name", ["readonly_agent", "other_agent"])
def test_agent_needs_full_access_to_the_department(request, name, customer, support):
    actor = request.getfixturevalue(name)
    with nothing_changes(), pytest.raises(PermissionDenied):
        open_ticket(actor, customer, department=support)


def test_admin_opens_in_any_department(admin_user, customer, sales):
    assert open_ticket(admin_user, customer, department=sales).department == sales


@pytest.mark.parametrize("name", ["agent", "admin_user", "supervisor"])
def test_requester_must_be_a_customer(request, name, agent):
    requester = request.getfixturevalue(name)
    with nothing_changes(), pytest.raises(ValidationError) as error:
        open_ticket(agent, requester)
    assert "requester" in error.value.message_dict


def test_inactive_agent_is_not_a_customer_requester(agent, customer):
    inactive = make_user("gone@example.com", Role.AGENT, is_active=False)
    with nothing_changes(), pytest.raises(ValidationError):
        open_ticket(agent, inactive)


def test_inactive_actor_cannot_open(customer):
    customer.is_active = False
    with nothing_changes(), pytest.raises(PermissionDenied):
        open_ticket(customer, customer)


def test_assignee_must_work_in_the_department(agent, other_agent, customer, support):
    with nothing_changes(), pytest.raises(ValidationError) as error:
        open_ticket(agent, customer, department=support, assignee=other_agent)
    assert "assignee" in error.value.message_dict


def test_inactive_department_is_refused(admin_user, customer):
    closed = Department.objects.create(name="Old", is_active=False)
    with nothing_changes(), pytest.raises(ValidationError):
        open_ticket(admin_user, customer, department=closed)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 251}, "subject"),
        ({"body": Body("  \n ")}, "body"),
        ({"body": Body("", "<script>alert(1)</script>")}, "body"),
        ({"body": Body("x" * 200_001)}, "body"),
        ({"channel": "pigeon"}, "channel"),
        ({"priority": 9}, "priority"),
        ({"language": "xx"}, "language"),
        ({"tags": ["t" * 51]}, "tags"),
        ({"tags": [f"tag{i}" for i in range(21)]}, "tags"),
        ({"custom_fields": {"nope": "1"}}, "custom_fields"),
        ({"attachments": [upload("virus.exe")]}, "attachments"),
        ({"attachments": [upload("virus.EXE.")]}, "attachments"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    agent, customer, support, media_root, extra, field
):
    with nothing_changes(media_root), pytest.raises(ValidationError) as error:
        open_ticket(agent, customer, department=support, **extra)
    assert field in error.value.message_dict


def test_oversized_attachment_is_refused(agent, customer, support, media_root):
    with (
        override_settings(ATTACHMENT_MAX_BYTES=10),
        nothing_changes(media_root),
        pytest.raises(ValidationError, match="larger than"),
    ):
        open_ticket(agent, customer, department=support, attachments=[upload(content=b"x" * 11)])


def test_too_many_attachments_are_refused(agent, customer, support, media_root):
    files = [upload(f"f{i}.txt") for i in range(3)]
    with (
        override_settings(ATTACHMENT_MAX_FILES=2),
        nothing_changes(media_root),
        pytest.raises(ValidationError, match="At most 2"),
    ):
        open_ticket(agent, customer, department=support, attachments=files)


def test_customer_sets_only_customer_visible_fields(customer, support):
    CustomField.objects.create(
        key="order", label="Order", kind=FieldKind.TEXT, customer_visible=True
    )
    CustomField.objects.create(key="risk", label="Risk", kind=FieldKind.NUMBER)
    ticket = open_ticket(customer, customer, custom_fields={"order": " A-1 "})
    assert ticket.custom_fields == {"order": "A-1"}
    with nothing_changes(), pytest.raises(ValidationError):
        open_ticket(customer, customer, custom_fields={"risk": 5})


def test_hostile_html_is_sanitized(customer):
    html = (
        '<p onclick="x()">Hi <a href="javascript:alert(1)">there</a>'
        '<img src="x" onerror="alert(2)"><script>alert(3)</script></p>'
    )
    message = open_ticket(customer, customer, body=Body("", html)).messages.get()
    assert "script" not in message.body_html
    assert "onerror" not in message.body_html
    assert "onclick" not in message.body_html
    assert "javascript:" not in message.body_html
    assert message.body_text == "Hi there"


def test_nul_characters_never_reach_the_database(customer):
    ticket = open_ticket(customer, customer, subject="Bad\x00 subject", tags=["a\x00b"])
    ticket.refresh_from_db()
    assert ticket.subject == "Bad subject"
    assert list(ticket.tags.values_list("name", flat=True)) == ["ab"]


def test_the_number_comes_with_the_insert_and_without_the_trigger_too(customer, support, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relaydesk.tickets import numbering

    with CaptureQueriesContext(connection) as queries:
        numbered = open_ticket(customer, customer, department=support)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "tickets_ticket"')]
    if connection.vendor == "postgresql":  # the trigger gave it; the INSERT returned it
        assert updates == []
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {numbering.NAME} ON tickets_ticket")  # rolled back
    unnumbered_by_the_database = open_ticket(customer, customer, department=support)
    for ticket in (numbered, unnumbered_by_the_database):
        assert (
            ticket.number
            == Ticket.objects.get(pk=ticket.pk).number
            == ticket.pk + settings.TICKET_NUMBER_OFFSET
        )


def test_new_tickets_tags_existing_new_and_both(customer, support):
    from relaydesk.tickets.models import Tag

    Tag.objects.create(name="billing")
    first = open_ticket(customer, customer, department=support, tags=["Billing", "#urgent"])
    second = open_ticket(customer, customer, department=support, tags=["urgent", "billing"])
    for ticket in (first, second):
        assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "urgent"]
    assert Tag.objects.filter(name="urgent").count() == 1


def test_one_ticket_is_written_in_one_action_without_a_nested_savepoint(customer, support):
    """`create_ticket` writes through the same code as `create_tickets` (an import's runs)
    without opening that action inside its own: a savepoint would cost two statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        open_ticket(customer, customer, department=support)
    savepoints = [q["sql"] for q in queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1  # the action's own (inside the test's transaction)
