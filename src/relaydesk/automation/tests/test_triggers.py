"""Triggers: events, every condition and action, order, loop protection, history, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from relaydesk.automation import services as auto
from relaydesk.automation.models import Trigger, TriggerOn
from relaydesk.automation.tests.conftest import add_agent
from relaydesk.tickets import services
from relaydesk.tickets.models import (
    Category,
    Channel,
    CustomField,
    FieldKind,
    MessageKind,
    Priority,
    StatusCategory,
    Ticket,
    TicketType,
)

pytestmark = pytest.mark.django_db


def rule(admin, *, on=TriggerOn.CREATED, match="all", conditions=(), actions=(), **kw):
    return auto.save_trigger(
        actor=admin,
        trigger=None,
        name=kw.pop("name", "Rule"),
        on=on,
        match=match,
        is_active=kw.pop("is_active", True),
        position=kw.pop("position", 0),
        conditions=list(conditions),
        actions=list(actions),
    )


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_everything_from_the_portal_goes_to_one_operator(admin_user, support, open_ticket):
    olga = add_agent(support, "olga@example.com")
    rule(
        admin_user,
        name="Portal to Olga",
        conditions=[("channel", "is", "portal")],
        actions=[("set_department", "Support"), ("set_assignee", "olga@example.com")],
    )
    from_portal = open_ticket(None, channel=Channel.PORTAL)
    by_mail = open_ticket(None, channel=Channel.EMAIL)
    assert (from_portal.department, from_portal.assignee) == (support, olga)
    assert by_mail.assignee is None
    line = from_portal.events.get(field="assignee")
    assert line.actor is None
    assert line.note == "Trigger: Portal to Olga"


@pytest.mark.parametrize(
    ("condition", "hit"),
    [
        (("channel", "is", "portal"), True),
        (("channel", "is_not", "portal"), False),
        (("department", "is", "support"), True),
        (("priority", "is", "high"), True),
        (("status", "is", "new"), True),
        (("type", "is", "Incident"), True),
        (("category", "is", "Hardware › Printers"), True),
        (("category", "is", "printers"), True),
        (("tag", "is", "vip"), True),
        (("tag", "is", "other"), False),
        (("requester", "contains", "@acme.test"), True),
        (("organization", "is", "acme"), True),
        (("subject", "contains", "PRINTER"), True),
        (("subject", "not_contains", "printer"), False),
        (("body", "contains", "please"), True),
        (("language", "is", "en"), True),
        (("language", "is", "ru"), False),
        (("custom:serial", "is", "SN-1"), True),
        (("custom:serial", "contains", "sn"), True),
        (("business_hours", "is", "yes"), True),  # no SLA policy: open around the clock
        (("business_hours", "is", "no"), False),
    ],
)
def test_each_condition(admin_user, support, open_ticket, condition, hit):
    incident = TicketType.objects.create(name="Incident")
    hardware = Category.objects.create(name="Hardware")
    printers = Category.objects.create(name="Printers", parent=hardware)
    CustomField.objects.create(
        key="serial", label="Serial", kind=FieldKind.TEXT, customer_visible=True
    )
    rule(admin_user, conditions=[condition], actions=[("add_tags", "matched")])
    ticket = open_ticket(
        support,
        subject="Printer broken",
        priority=Priority.HIGH,
        ticket_type=incident,
        category=printers,
        tags=["vip"],
        custom_fields={"serial": "SN-1"},
    )
    assert ("matched" in ticket.tags.values_list("name", flat=True)) is hit


def test_any_matches_one_of_the_conditions(admin_user, support, open_ticket):
    rule(
        admin_user,
        match="any",
        conditions=[("channel", "is", "email"), ("subject", "contains", "help")],
        actions=[("set_priority", "urgent")],
    )
    assert open_ticket(support, subject="Help me").priority == Priority.URGENT
    assert open_ticket(support, subject="Hello").priority == Priority.NORMAL


def test_each_field_action(admin_user, support, sales, open_ticket):
    TicketType.objects.create(name="Question")
    Category.objects.create(name="Billing")
    CustomField.objects.create(key="serial", label="Serial", kind=FieldKind.TEXT)
    bob = add_agent(sales, "bob2@example.com")
    rule(
        admin_user,
        actions=[
            ("set_department", "sales"),
            ("set_assignee", bob.email),
            ("set_status", "pending"),
            ("set_priority", "high"),
            ("set_type", "question"),
            ("set_category", "billing"),
            ("add_tags", "auto, new-one"),
            ("remove_tags", "drop"),
            ("set_custom_field", "serial=AB-7"),
        ],
    )
    ticket = fresh(open_ticket(support, tags=["drop", "keep"]))
    assert ticket.department == sales
    assert ticket.assignee == bob
    assert ticket.status == StatusCategory.PENDING
    assert ticket.priority == Priority.HIGH
    assert (ticket.type.name, ticket.category.name) == ("Question", "Billing")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["auto", "keep", "new-one"]
    assert ticket.custom_fields == {"serial": "AB-7"}


def test_note_and_reply_with_placeholders(admin_user, support, open_ticket, customer):
    rule(
        admin_user,
        actions=[
            ("add_note", "VIP {{ customer.email }}"),
            ("reply", "Hello {{ customer.first_name }}, we got #{{ ticket.number }}. {{ x.y }}"),
        ],
    )
    ticket = open_ticket(support)
    note = ticket.messages.get(kind=MessageKind.NOTE)
    reply = ticket.messages.get(kind=MessageKind.REPLY)
    assert note.body_text == "VIP carol@acme.test"
    assert reply.body_text == f"Hello Carol, we got #{ticket.number}. {{{{ x.y }}}}"
    assert reply.author is None


def test_placeholders_never_run_the_template_engine(admin_user, support, open_ticket):
    rule(admin_user, actions=[("add_note", "{% load static %}{{ settings.SECRET_KEY }}")])
    note = open_ticket(support).messages.get(kind=MessageKind.NOTE)
    assert note.body_text == "{% load static %}{{ settings.SECRET_KEY }}"


def test_automatic_reply_is_mailed_to_the_requester(
    admin_user, support, customer, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    rule(admin_user, actions=[("reply", "We got it.")])
    with django_capture_on_commit_callbacks(execute=True):
        services.create_ticket(
            actor=customer,
            requester=customer,
            subject="Mail me",
            body=services.Body("hi"),
            channel=Channel.EMAIL,
            department=support,
        )
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert "We got it." in mail.outbox[0].body


def test_triggers_run_in_position_order(admin_user, support, open_ticket):
    rule(admin_user, name="second", position=2, actions=[("set_priority", "low")])
    rule(admin_user, name="first", position=1, actions=[("set_priority", "urgent")])
    assert open_ticket(support).priority == Priority.LOW


def test_rules_that_undo_each_other_do_not_loop(admin_user, support, open_ticket, committed):
    rule(
        admin_user,
        on=TriggerOn.UPDATED,
        conditions=[("priority", "is", "high")],
        actions=[("set_priority", "low")],
    )
    rule(
        admin_user,
        on=TriggerOn.UPDATED,
        conditions=[("priority", "is", "low")],
        actions=[("set_priority", "high")],
    )
    ticket = open_ticket(support)
    agent = add_agent(support, "x@example.com")
    committed(services.update_ticket, ticket, actor=agent, priority=Priority.HIGH)
    changes = fresh(ticket).events.filter(field="priority").count()
    assert changes <= 3


def test_customer_replied_trigger(admin_user, support, open_ticket, committed, customer):
    rule(admin_user, on=TriggerOn.CUSTOMER_REPLIED, actions=[("add_tags", "replied")])
    ticket = open_ticket(support)
    assert not ticket.tags.exists()
    committed(services.add_message, ticket, actor=customer, body=services.Body("More info"))
    assert list(ticket.tags.values_list("name", flat=True)) == ["replied"]


def test_agent_replied_and_status_changed(admin_user, support, open_ticket, committed, agent):
    rule(admin_user, on=TriggerOn.AGENT_REPLIED, actions=[("add_tags", "answered")])
    rule(
        admin_user,
        on=TriggerOn.STATUS_CHANGED,
        conditions=[("status", "is", "solved")],
        actions=[("add_note", "Solved.")],
    )
    ticket = open_ticket(support)
    committed(
        services.add_message,
        ticket,
        actor=agent,
        body=services.Body("Done"),
        status=StatusCategory.SOLVED,
    )
    assert list(ticket.tags.values_list("name", flat=True)) == ["answered"]
    assert ticket.messages.filter(kind=MessageKind.NOTE, body_text="Solved.").exists()


def test_inactive_trigger_does_nothing(admin_user, support, open_ticket):
    rule(admin_user, is_active=False, actions=[("set_priority", "urgent")])
    assert open_ticket(support).priority == Priority.NORMAL


def test_a_failing_trigger_records_its_error_and_the_rest_run(
    admin_user, support, sales, open_ticket
):
    stranger = add_agent(sales, "stranger@example.com")
    broken = rule(admin_user, position=1, actions=[("set_assignee", stranger.email)])
    rule(admin_user, position=2, actions=[("add_tags", "still")])
    ticket = open_ticket(support)
    assert fresh(ticket).assignee is None
    assert list(ticket.tags.values_list("name", flat=True)) == ["still"]
    broken.refresh_from_db()
    assert "does not work in Support" in broken.last_error


@pytest.mark.parametrize(
    ("conditions", "actions", "message"),
    [
        ([("colour", "is", "red")], [("add_tags", "x")], "Unknown condition field"),
        ([("channel", "is", "pigeon")], [("add_tags", "x")], "Unknown channel"),
        ([("priority", "contains", "hi")], [("add_tags", "x")], "cannot be used"),
        ([("department", "is", "Nowhere")], [("add_tags", "x")], "no department"),
        ([("subject", "is", "x" * 501)], [("add_tags", "x")], "at most 500"),
        ([], [], "needs an action"),
        ([], [("explode", "now")], "Unknown action"),
        ([], [("set_assignee", "nobody@example.com")], "no active agent"),
        ([], [("set_status", "sleeping")], "Unknown status"),
        ([], [("set_priority", "9")], "Unknown priority"),
        ([], [("set_custom_field", "novalue")], "key=value"),
        ([], [("reply", "   ")], "empty"),
        ([], [("add_note", "x" * 5001)], "at most 5000"),
        ([], [("add_tags", "x" * 51)], "longer than 50"),
    ],
)
def test_malformed_rules_are_refused_clearly(admin_user, conditions, actions, message):
    with pytest.raises(ValidationError) as refused:
        rule(admin_user, conditions=conditions, actions=actions)
    assert message in " ".join(refused.value.messages)
    assert not Trigger.objects.exists()


def test_agents_and_customers_cannot_edit_rules(agent, customer):
    for actor in (agent, customer):
        with pytest.raises(PermissionDenied):
            rule(actor, actions=[("add_tags", "x")])


def test_dry_run_lists_matching_tickets_without_changing_them(admin_user, support, open_ticket):
    high = open_ticket(support, priority=Priority.HIGH)
    open_ticket(support)
    trigger = rule(
        admin_user,
        is_active=False,
        conditions=[("priority", "is", "high")],
        actions=[("set_priority", "low")],
    )
    matched, tested = auto.dry_run(trigger, actor=admin_user)
    assert (matched, tested) == ([high], 2)
    assert fresh(high).priority == Priority.HIGH


def test_many_triggers_cost_a_fixed_number_of_queries(admin_user, support, open_ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relaydesk.automation import triggers
    from relaydesk.tickets.models import TicketEvent

    for n in range(40):
        rule(
            admin_user,
            name=f"Rule {n}",
            position=n,
            conditions=[("channel", "is", "email"), ("department", "is", "Support")],
            actions=[("add_tags", f"t{n}")],
        )
    ticket = open_ticket(support)
    lines = list(TicketEvent.objects.filter(ticket=ticket))
    triggers.run(ticket.pk, lines, set())  # compiles the rules once for this process
    with CaptureQueriesContext(connection) as queries:
        triggers.run(ticket.pk, lines, set())
    assert len(queries) == 2  # the rules' version, the ticket with its department


def test_an_edited_trigger_is_used_at_the_next_action(admin_user, support, open_ticket):
    trigger = rule(admin_user, conditions=[("channel", "is", "email")], actions=[("add_tags", "a")])
    assert "a" not in open_ticket(support).tags.values_list("name", flat=True)
    auto.save_trigger(
        actor=admin_user,
        trigger=trigger,
        name="Rule",
        on=TriggerOn.CREATED,
        match="all",
        is_active=True,
        position=0,
        conditions=[("channel", "is", "portal")],
        actions=[("add_tags", "a")],
    )
    assert "a" in open_ticket(support).tags.values_list("name", flat=True)
    Trigger.objects.filter(pk=trigger.pk).delete()
    assert "a" not in open_ticket(support).tags.values_list("name", flat=True)


def test_business_hours_follow_the_ticket_sla_calendar(admin_user, support, open_ticket):
    from relaydesk.sla.models import Calendar, Policy

    closed = Calendar.objects.create(name="Never open", time_zone="UTC")  # no ranges
    Policy.objects.create(name="All", position=1, calendar=closed)
    rule(admin_user, conditions=[("business_hours", "is", "no")], actions=[("add_tags", "late")])
    assert "late" in open_ticket(support).tags.values_list("name", flat=True)
    Calendar.objects.create(name="Always", time_zone="UTC")
    always = Calendar.objects.get(name="Always")
    for day in range(7):
        always.ranges.create(weekday=day, start=dt.time(0), end=dt.time(0))
    Policy.objects.filter(name="All").update(calendar=always)
    from relaydesk.sla import calendars

    calendars.forget()
    assert "late" not in open_ticket(support).tags.values_list("name", flat=True)


def test_mailbox_condition(admin_user, support, customer, committed):
    from relaydesk.mail.models import InboundMail, Mailbox

    billing = Mailbox.objects.create(name="Billing box", address="billing@example.com")
    rule(
        admin_user,
        on=TriggerOn.UPDATED,
        conditions=[("mailbox", "is", "billing box")],
        actions=[("add_tags", "from-billing")],
    )
    ticket = committed(
        services.create_ticket,
        actor=customer,
        requester=customer,
        subject="Invoice",
        body=services.Body("x"),
        channel=Channel.EMAIL,
        department=support,
    )
    InboundMail.objects.create(
        sha256="0" * 64, raw=b"", size=0, source="smtp", mailbox=billing, ticket=ticket
    )
    committed(services.automated_update, fresh(ticket), priority=Priority.HIGH)
    assert "from-billing" in fresh(ticket).tags.values_list("name", flat=True)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (("mailbox", "is", "nowhere"), "no mailbox"),
        (("business_hours", "is", "maybe"), "yes or no"),
        (("business_hours", "is", ""), "yes or no"),
    ],
)
def test_new_conditions_refuse_unknown_values(admin_user, condition, message):
    with pytest.raises(ValidationError) as refused:
        rule(admin_user, conditions=[condition], actions=[("add_tags", "x")])
    assert message in str(refused.value)


def test_call_a_webhook_writes_a_signed_delivery_to_the_outbox(admin_user, support, open_ticket):
    from relaydesk.webhooks import outbox
    from relaydesk.webhooks.models import Delivery

    endpoint, _secret = outbox.create_endpoint(
        actor=admin_user,
        name="CRM",
        url="https://crm.example.com/hook",
        events=["ticket.time_logged"],  # the rule calls it whatever it subscribes to
    )
    rule(
        admin_user,
        name="Tell the CRM",
        conditions=[("channel", "is", "portal")],
        actions=[("set_priority", "high"), ("call_webhook", "crm")],
    )
    ticket = open_ticket(support)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.event_type == "rule.called"
    assert delivery.payload["rule"] == "Trigger: Tell the CRM"
    assert delivery.payload["ticket"]["number"] == ticket.number
    assert delivery.payload["ticket"]["priority"] == "high"  # after the rule's changes
    assert delivery.state == "pending"  # sent by the deliver task, never inside the rule


def test_call_a_webhook_refuses_an_unknown_endpoint(admin_user):
    with pytest.raises(ValidationError) as refused:
        rule(admin_user, actions=[("call_webhook", "nowhere")])
    assert "no active webhook" in str(refused.value)


def test_a_trigger_saved_here_counts_at_the_next_ticket(
    admin_user, support, open_ticket, monkeypatch
):
    from relaydesk.core import kept

    monkeypatch.setattr(kept, "KEEP_SECONDS", 60.0)  # the rules' version kept as in production
    assert not open_ticket(support).tags.exists()
    rule(admin_user, actions=[("add_tags", "seen")])
    assert list(open_ticket(support).tags.values_list("name", flat=True)) == ["seen"]
