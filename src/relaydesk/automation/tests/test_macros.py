"""Macros' field changes, personal macros and the desk editor: every field is applied through
the ticket services as one action (and an empty one changes nothing), a part the agent may
not do refuses the whole, a personal macro is its owner's alone, and bad input is a clear
error that changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relaydesk.accounts.models import Access, Department, Membership
from relaydesk.automation import macros
from relaydesk.automation.models import Macro, MacroAssign
from relaydesk.automation.tests.conftest import add_agent
from relaydesk.conftest import HTMX, signed_in
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    Category,
    CustomField,
    EventKind,
    FieldKind,
    TicketEvent,
    TicketType,
)
from relaydesk.tickets.signals import action_recorded
from relaydesk.tickets.tests.helpers import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(open_ticket, support, admin_user, committed):
    made = open_ticket(support, subject="Printer on fire")
    committed(services.update_ticket, made, actor=admin_user, tags=["old", "keep"])
    made.refresh_from_db()
    return made


@pytest.fixture
def fields(db) -> dict[str, CustomField]:
    specs = [
        ("order", FieldKind.TEXT, []),
        ("amount", FieldKind.NUMBER, []),
        ("bought", FieldKind.DATE, []),
        ("product", FieldKind.DROPDOWN, ["P300", "R5"]),
        ("warranty", FieldKind.CHECKBOX, []),
    ]
    return {
        key: CustomField.objects.create(key=key, label=key.title(), kind=kind, options=options)
        for key, kind, options in specs
    }


def save(actor, **fields: Any) -> Macro:
    fields.setdefault("name", "Macro")
    return macros.save_macro(actor=actor, macro=None, **fields)


def lines(ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("pk"))


# Every field ------------------------------------------------------------------------------


def test_each_field_is_applied_as_one_action_with_the_macros_name(
    agent, supervisor, ticket, fields
):
    incident = TicketType.objects.create(name="Incident")
    printers = Category.objects.create(name="Printers")
    macro = save(
        supervisor,
        shared=True,
        name="Replace the printer",
        body="Replacing #{{ ticket.number }}.",
        internal=True,
        status="pending",
        priority=3,
        type=incident,
        category=printers,
        assign=MacroAssign.AGENT,
        assignee=supervisor,
        add_tags="replacement",
        remove_tags="old",
        custom_fields={
            "order": " A-17 ",
            "amount": "12,50",
            "bought": "2026-01-31",
            "product": "R5",
            "warranty": "true",
        },
    )
    seen: list[int] = []

    def count(sender, actions, **kwargs):
        seen.extend(len(events) for _ticket, events in actions)

    before = len(lines(ticket))
    action_recorded.connect(count)
    try:
        macros.apply_macro(macro, ticket=ticket, actor=agent)
    finally:
        action_recorded.disconnect(count)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.type, ticket.category) == (
        "pending",
        3,
        incident,
        printers,
    )
    assert ticket.assignee == supervisor
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["keep", "replacement"]
    assert ticket.custom_fields == {
        "order": "A-17",
        "amount": 12.5,
        "bought": "2026-01-31",
        "product": "R5",
        "warranty": True,
    }
    note = ticket.messages.get(kind="note")
    assert note.body_text == f"Replacing #{ticket.number}."
    new = lines(ticket)[before:]
    assert seen == [len(new)]  # one action: the SLA, triggers and webhooks hear of it once
    assert {line.note for line in new} == {"Macro: Replace the printer"}
    assert {line.actor for line in new} == {agent}
    assert {"note", "status", "priority", "type", "category", "assignee", "tags"} <= {
        line.field for line in new
    }
    assert {f"custom:{key}" for key in fields} <= {line.field for line in new}


def test_triggers_and_webhooks_see_a_macros_changes(admin_user, agent, ticket, committed):
    """The reply to a new ticket also opens it: three lines, as the desk's reply would."""
    from relaydesk.automation import services as auto
    from relaydesk.automation.models import TriggerOn
    from relaydesk.webhooks import outbox
    from relaydesk.webhooks.models import Delivery

    auto.save_trigger(
        actor=admin_user,
        trigger=None,
        name="Urgent ones are hot",
        on=TriggerOn.UPDATED,
        match="all",
        is_active=True,
        position=0,
        conditions=[("priority", "is", "urgent")],
        actions=[("add_tags", "hot")],
    )
    outbox.create_endpoint(actor=admin_user, name="CRM", url="https://crm.example.com/hook")
    macro = save(agent, name="Urgent", priority=4, body="On it.")
    before = len(lines(ticket))
    committed(macros.apply_macro, macro, ticket=ticket, actor=agent)
    ticket.refresh_from_db()
    assert "hot" in set(ticket.tags.values_list("name", flat=True))  # the trigger ran
    macro_lines = [line for line in lines(ticket)[before:] if line.note == "Macro: Urgent"]
    assert {line.field for line in macro_lines} == {"reply", "status", "priority"}
    sent = list(Delivery.objects.values_list("event_type", flat=True))
    assert sent.count("message.created") == 1  # the macro's reply
    assert sent.count("ticket.updated") >= 2  # its status and priority (and the trigger's tag)


@pytest.mark.parametrize(
    ("assign", "expected"), [("me", "agent"), ("nobody", None), ("", "supervisor")]
)
def test_assign_me_nobody_or_unchanged(request, agent, supervisor, ticket, assign, expected):
    services.update_ticket(ticket, actor=agent, assignee=supervisor)
    macro = save(agent, assign=assign, priority=4)
    macros.apply_macro(macro, ticket=ticket, actor=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == (request.getfixturevalue(expected) if expected else None)


def test_an_empty_macro_changes_nothing(agent, ticket, fields):
    macro = save(agent, name="Does nothing")
    assert macros.describe(macro) == []
    with nothing_changes():
        macros.apply_macro(macro, ticket=ticket, actor=agent)


def test_values_the_ticket_has_already_write_no_line(agent, ticket):
    macro = save(agent, status=ticket.status, priority=ticket.priority, add_tags="keep")
    with nothing_changes():
        macros.apply_macro(macro, ticket=ticket, actor=agent)


def test_a_transfer_hands_the_ticket_to_the_department(agent, supervisor, ticket, sales):
    Membership.objects.create(user=supervisor, department=sales, access=Access.FULL)
    services.update_ticket(ticket, actor=agent, assignee=agent)
    to_sales = save(supervisor, shared=True, department=sales, priority=3, add_tags="lead")
    response = signed_in(agent).post(
        f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": to_sales.pk}, **HTMX
    )
    # the agent does not work in Sales: the ticket left their sight, they go to the list
    assert response["HX-Redirect"] == "/desk/"
    ticket.refresh_from_db()
    assert (ticket.department, ticket.assignee, ticket.priority) == (sales, None, 3)
    transfer = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TRANSFER)
    assert (transfer.actor, transfer.note) == (agent, f"Macro: {to_sales.name}")
    # with a chosen agent, the transfer hands it to them
    ticket2 = services.create_ticket(
        actor=agent,
        requester=ticket.requester,
        subject="Another",
        body=services.Body("x"),
        channel="phone",
        department=Department.objects.get(name="Support"),
    )
    with_agent = save(
        supervisor, shared=True, department=sales, assign=MacroAssign.AGENT, assignee=supervisor
    )
    macros.apply_macro(with_agent, ticket=ticket2, actor=agent)
    ticket2.refresh_from_db()
    assert (ticket2.department, ticket2.assignee) == (sales, supervisor)


def test_a_refused_transfer_refuses_the_whole_macro(agent, supervisor, ticket, sales):
    # "me" does not work in Sales: the transfer is refused, so the reply and tags are too
    macro = save(
        supervisor,
        shared=True,
        body="Moving you on.",
        add_tags="moved",
        department=sales,
        assign=MacroAssign.ME,
    )
    with nothing_changes(), pytest.raises(ValidationError, match="does not work in Sales"):
        macros.apply_macro(macro, ticket=ticket, actor=agent)
    sales.is_active = False
    sales.save()
    macro.assign = ""
    macro.save()
    page = signed_in(agent).post(
        f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": macro.pk}, follow=True
    )
    assert "This department is not active." in page.content.decode()
    assert not ticket.messages.filter(body_text="Moving you on.").exists()


def test_read_only_access_refuses_the_whole_macro(readonly_agent, supervisor, ticket):
    macro = save(supervisor, shared=True, body="Hi", priority=4)
    with nothing_changes():
        response = signed_in(readonly_agent).post(
            f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": macro.pk}
        )
    assert response.status_code == 403
    assert "You may not change this ticket." in response.content.decode()


def test_a_custom_field_of_another_type_is_refused_when_applied(agent, ticket, fields):
    question = TicketType.objects.create(name="Question")
    fields["amount"].ticket_types.add(question)
    macro = save(agent, custom_fields={"amount": "5"})  # no type: any field may be set
    with nothing_changes(), pytest.raises(ValidationError, match="Unknown field: amount"):
        macros.apply_macro(macro, ticket=ticket, actor=agent)


def test_an_agent_gone_since_refuses_the_macro(agent, supervisor, ticket):
    helper = add_agent(Department.objects.get(name="Support"), "helper@example.com")
    macro = save(supervisor, shared=True, assign=MacroAssign.AGENT, assignee=helper)
    helper.is_active = False
    helper.save()
    with nothing_changes(), pytest.raises(ValidationError, match="active agents"):
        macros.apply_macro(macro, ticket=ticket, actor=agent)


# Personal macros --------------------------------------------------------------------------


@pytest.fixture
def mine(agent) -> Macro:
    return save(agent, name="Alice's follow-up", body="Called.", internal=True, priority=4)


def test_names_and_texts_stay_text_in_the_pages(agent, ticket):
    hostile = "<script>alert(1)</script>"
    save(agent, name=hostile, body=hostile, add_tags="x")
    client = signed_in(agent)
    for url in ("/desk/automation/macros/", f"/desk/tickets/{ticket.number}/"):
        page = client.get(url).content.decode()
        assert hostile not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_personal_macro_is_its_owners_alone(mine, agent, supervisor, admin_user, ticket):
    assert list(macros.visible_macros(agent)) == [mine]
    for stranger in (supervisor, admin_user):
        assert not macros.visible_macros(stranger).exists()
        client = signed_in(stranger)
        assert "follow-up" not in client.get("/desk/automation/macros/").content.decode()
        assert client.get(f"/desk/automation/macros/{mine.pk}/").status_code == 404
        with nothing_changes():
            assert (
                client.post(
                    f"/desk/automation/macros/{mine.pk}/", {"name": "Taken", "shared": "on"}
                ).status_code
                == 404
            )
            assert client.post(f"/desk/automation/macros/{mine.pk}/delete/").status_code == 404
            assert (
                client.post(
                    f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": mine.pk}
                ).status_code
                == 404
            )
        page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
        assert "follow-up" not in page
        with pytest.raises(PermissionDenied):
            macros.apply_macro(mine, ticket=ticket, actor=stranger)
    assert Macro.objects.get().name == "Alice's follow-up"
    page = signed_in(agent).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Alice&#x27;s follow-up" in page


def test_an_agent_keeps_their_own_macros_in_the_desk(agent, ticket, other_agent, fields):
    client = signed_in(agent)
    assert client.get("/desk/automation/macros/new/").status_code == 200
    response = client.post(
        "/desk/automation/macros/new/",
        {
            "name": "Mine",
            "body": "Thanks {{ customer.first_name }}",
            "assign": "me",
            "remove_tags": "old",
            "cf_warranty": "false",
            "cf_amount": "3",
            "owner": str(other_agent.pk),  # forged: ignored, the macro is the poster's
        },
    )
    assert response.status_code == 302, response.content.decode()
    macro = Macro.objects.get()
    assert (macro.owner, macro.assign, macro.remove_tags) == (agent, "me", "old")
    assert macro.custom_fields == {"warranty": False, "amount": 3}
    assert not macros.visible_macros(other_agent).exists()
    edit = client.get(f"/desk/automation/macros/{macro.pk}/").content.decode()
    assert 'name="cf_amount"' in edit
    assert 'value="3"' in edit
    assert "Removes tags: old" in edit  # the preview of what it does
    response = client.post(
        f"/desk/automation/macros/{macro.pk}/", {"name": "Mine, renamed", "priority": "1"}
    )
    assert response.status_code == 302
    macro.refresh_from_db()
    assert (macro.name, macro.priority, macro.assign, macro.custom_fields) == (
        "Mine, renamed",
        1,
        "",
        {},
    )
    assert client.post(f"/desk/automation/macros/{macro.pk}/delete/").status_code == 302
    assert not Macro.objects.exists()


def test_only_administrators_and_supervisors_keep_shared_macros(agent, supervisor):
    shared = save(supervisor, shared=True, name="Team macro")
    client = signed_in(agent)
    with nothing_changes():
        refused = client.post("/desk/automation/macros/new/", {"name": "x", "shared": "on"})
        assert refused.status_code == 403
        assert "Only administrators and supervisors" in refused.content.decode()
        assert (
            client.post(f"/desk/automation/macros/{shared.pk}/", {"name": "y"}).status_code == 403
        )
        assert client.post(f"/desk/automation/macros/{shared.pk}/delete/").status_code == 403
    assert list(Macro.objects.values_list("name", flat=True)) == ["Team macro"]
    assert "Team macro" in client.get("/desk/automation/macros/").content.decode()


@pytest.mark.parametrize("who", ["customer", "other_agent"])
def test_customer_and_other_department_are_refused(request, who, mine, supervisor, ticket):
    client = signed_in(request.getfixturevalue(who))
    shared = save(supervisor, shared=True, name="Shared", priority=4)
    with nothing_changes():
        for macro in (mine, shared):
            response = client.post(
                f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": macro.pk}
            )
            assert response.status_code in (403, 404)
        assert client.post(f"/desk/automation/macros/{mine.pk}/", {"name": "x"}).status_code in (
            403,
            404,
        )
        assert client.post(f"/desk/automation/macros/{mine.pk}/delete/").status_code in (403, 404)
        preview = client.post("/desk/automation/macros/preview/", {"name": "x"})
    if who == "customer":
        assert preview.status_code == 403
        assert client.get("/desk/automation/macros/").status_code == 403
        assert client.get("/desk/automation/macros/new/").status_code == 403
    else:
        assert "follow-up" not in client.get("/desk/automation/macros/").content.decode()
    assert Macro.objects.count() == 2


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "x", "body": "y" * 20001}, "body"),
        ({"name": "x", "add_tags": "y" * 501}, "add_tags"),
        ({"name": "x", "remove_tags": "z" * 51}, "remove_tags"),
        ({"name": "x", "add_tags": "a", "remove_tags": "a"}, "remove_tags"),
        ({"name": "x", "status": "lost"}, "status"),
        ({"name": "x", "status": "custom:99999"}, "status"),
        ({"name": "x", "priority": "9"}, "priority"),
        ({"name": "x", "type": "99999"}, "type"),
        ({"name": "x", "category": "abc"}, "category"),
        ({"name": "x", "department": "99999"}, "department"),
        ({"name": "x", "assign": "everyone"}, "assign"),
        ({"name": "x", "assign": "agent"}, "assignee"),
        ({"name": "x", "assign": "me", "assignee": "1"}, "assignee"),
        ({"name": "x", "assign": "agent", "assignee": "99999"}, "assignee"),
        ({"name": "x", "cf_amount": "twelve"}, "cf_amount"),
        ({"name": "x", "cf_bought": "31/01/2026"}, "cf_bought"),
        ({"name": "x", "cf_product": "Z9"}, "cf_product"),
        ({"name": "x", "cf_warranty": "maybe"}, "cf_warranty"),
        ({"name": "x", "cf_order": "o" * 1001}, "cf_order"),
        ({"name": "x", "language": "xx"}, "language"),
    ],
)
def test_bad_macros_are_field_errors_and_change_nothing(agent, fields, data, field):
    response = signed_in(agent).post("/desk/automation/macros/new/", data)
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert not Macro.objects.exists()


def test_the_service_refuses_what_no_form_could_send(agent, customer, fields, sales):
    question = TicketType.objects.create(name="Question")
    fields["amount"].ticket_types.add(TicketType.objects.create(name="Incident"))
    sales.is_active = False
    sales.save()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"custom_fields": {"nope": "1"}}, "custom_fields"),
        ({"custom_fields": ["amount"]}, "custom_fields"),
        ({"custom_fields": {"amount": "5"}, "type": question}, "custom_fields.amount"),
        ({"department": sales}, "department"),
        ({"assign": MacroAssign.AGENT, "assignee": customer}, "assignee"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as error:
            save(agent, **extra)
        assert field in error.value.message_dict, (extra, error.value.message_dict)
    assert not Macro.objects.exists()
    with pytest.raises(PermissionDenied):
        save(customer)


def test_the_preview_says_what_the_fields_would_do(agent, sales, fields):
    client = signed_in(agent)
    response = client.post(
        "/desk/automation/macros/preview/",
        {"name": "x", "body": "Hi", "department": sales.pk, "cf_product": "R5", "priority": "4"},
    )
    text = response.content.decode()
    assert "Sends a public reply" in text
    assert "Transfers to Sales" in text
    assert "Leaves the ticket unassigned" in text
    assert "Product: R5" in text
    assert not Macro.objects.exists()
    bad = client.post("/desk/automation/macros/preview/", {"name": "x", "cf_amount": "many"})
    assert "Enter a number." in bad.content.decode()


def test_a_department_gone_inactive_is_named_not_dropped_when_editing(supervisor, sales):
    macro = save(supervisor, shared=True, name="To Sales", department=sales)
    sales.is_active = False
    sales.save()
    client = signed_in(supervisor)
    page = client.get(f"/desk/automation/macros/{macro.pk}/").content.decode()
    assert f'<option value="{sales.pk}" selected>Sales</option>' in page
    response = client.post(
        f"/desk/automation/macros/{macro.pk}/",
        {"name": "To Sales", "shared": "on", "department": sales.pk},
    )
    assert response.status_code == 422
    assert "This department is not active." in response.content.decode()
    macro.refresh_from_db()
    assert macro.department == sales


def test_the_history_names_the_macro_in_one_language(agent, ticket):
    """As the triggers' lines: history is written in the site's language, whoever applies."""
    from django.utils import translation

    macro = save(agent, name="Urgent", priority=4)
    with translation.override("ru"):
        macros.apply_macro(macro, ticket=ticket, actor=agent)
    assert [line.note for line in lines(ticket) if line.field == "priority"] == ["Macro: Urgent"]


def test_the_macro_list_reads_labels_once_whatever_the_number_of_macros(
    agent, django_assert_max_num_queries
):
    from relaydesk.tickets.models import CustomStatus, StatusCategory

    waiting = CustomStatus.objects.create(name="Waiting for parts", category=StatusCategory.PENDING)
    CustomField.objects.create(key="order", label="Order number", kind=FieldKind.TEXT)
    for n in range(6):
        save(agent, name=f"Macro {n}", status=f"custom:{waiting.pk}", custom_fields={"order": n})
    page = signed_in(agent)
    page.get("/desk/automation/macros/")  # warm: session, reference lists
    with django_assert_max_num_queries(12):
        answer = page.get("/desk/automation/macros/")
    assert answer.status_code == 200
    assert answer.content.decode().count("Waiting for parts") == 6
    assert "Order number: 5" in answer.content.decode()
