"""Time rules: the clocks, once per episode, conditions, batches, refusals, the periodic job,
and two workers at once acting once (PostgreSQL in the PostgreSQL run)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relaydesk.accounts.models import Department
from relaydesk.automation import services as auto
from relaydesk.automation import timerules
from relaydesk.automation.models import Clock, TimeRule, TimeRuleMark
from relaydesk.automation.tests.test_concurrency import in_threads
from relaydesk.core import schedule
from relaydesk.tickets import services
from relaydesk.tickets.models import MessageKind, Priority, StatusCategory, Ticket

DAY = 24 * 60


def time_rule(admin, *, status="pending", minutes=5 * DAY, conditions=(), actions=(), **kw):
    return auto.save_time_rule(
        actor=admin,
        rule=kw.pop("rule", None),
        name=kw.pop("name", "Remind"),
        status=status,
        clock=kw.pop("clock", Clock.STATUS),
        minutes=minutes,
        match=kw.pop("match", "all"),
        is_active=kw.pop("is_active", True),
        position=kw.pop("position", 0),
        conditions=list(conditions),
        actions=list(actions) or [("reply", "Any news on #{{ ticket.number }}?")],
    )


def later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def replies(ticket: Ticket) -> list[str]:
    return list(ticket.messages.filter(kind=MessageKind.REPLY).values_list("body_text", flat=True))


def set_status(ticket: Ticket, agent, status: str) -> Ticket:
    return services.update_ticket(Ticket.objects.get(pk=ticket.pk), actor=agent, status=status)


@pytest.mark.django_db
def test_pending_for_five_days_reminds_the_customer_once(admin_user, agent, ticket):
    rule = time_rule(admin_user, name="Pending reminder")
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=4)) == 0
    mail.outbox.clear()
    assert timerules.run_all(now=later(days=5, minutes=1)) == 1
    assert replies(ticket) == [f"Any news on #{ticket.number}?"]
    assert len(mail.outbox) == 0  # the reply is mailed by a task after commit, not inline
    line = ticket.events.get(field=MessageKind.REPLY)
    assert (line.actor, line.note) == (None, "Time rule: Pending reminder")
    assert timerules.run_all(now=later(days=9)) == 0  # same stay in pending: never again
    assert TimeRuleMark.objects.filter(rule=rule, fired=True).count() == 1


@pytest.mark.django_db
def test_a_new_stay_in_the_status_is_a_new_episode(admin_user, agent, ticket):
    time_rule(admin_user)
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 1
    set_status(ticket, agent, StatusCategory.OPEN)
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 1
    assert len(replies(ticket)) == 2
    assert TimeRuleMark.objects.count() == 1  # the first episode's mark was dropped


@pytest.mark.django_db
def test_solved_for_three_days_is_closed(admin_user, agent, ticket):
    time_rule(
        admin_user,
        name="Close solved",
        status="solved",
        minutes=3 * DAY,
        actions=[("set_status", "closed")],
    )
    set_status(ticket, agent, StatusCategory.SOLVED)
    assert timerules.run_all(now=later(days=2)) == 0
    assert timerules.run_all(now=later(days=3, hours=1)) == 1
    ticket.refresh_from_db()
    assert ticket.status == StatusCategory.CLOSED
    assert ticket.events.get(field="status", note="Time rule: Close solved")


@pytest.mark.django_db
def test_unassigned_new_ticket_for_thirty_minutes(admin_user, agent, ticket, customer, support):
    time_rule(
        admin_user,
        name="Nobody took it",
        status="new",
        minutes=30,
        conditions=[("assignee", "is", "")],
        actions=[("set_priority", "high"), ("add_note", "Waiting for 30 minutes.")],
    )
    taken = services.create_ticket(
        actor=agent,
        requester=customer,
        subject="Taken",
        body=services.Body("x"),
        channel="phone",
        department=support,
        assignee=agent,
    )
    assert timerules.run_all(now=later(minutes=20)) == 0
    assert timerules.run_all(now=later(minutes=31)) == 1
    ticket.refresh_from_db()
    taken.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.messages.filter(kind=MessageKind.NOTE).get().body_text == (
        "Waiting for 30 minutes."
    )
    assert taken.priority == Priority.NORMAL


@pytest.mark.django_db
def test_not_updated_clock_acts_again_after_each_quiet_spell(admin_user, agent, ticket):
    rule = time_rule(
        admin_user,
        status="new",
        clock=Clock.UPDATED,
        minutes=DAY,
        actions=[("add_note", "Still quiet.")],
    )
    assert timerules.run_all(now=later(hours=23)) == 0
    assert timerules.run_all(now=later(hours=25)) == 1
    ticket.refresh_from_db()  # its own note started a new quiet spell, counted from the note
    spell = ticket.updated_at
    assert not timerules.due(rule, now=spell + dt.timedelta(hours=23)).exists()
    assert timerules.run_all(now=spell + dt.timedelta(hours=25)) == 1
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 2


@pytest.mark.django_db
def test_a_ticket_that_does_not_match_is_tested_again_only_once_it_changed(
    admin_user, agent, ticket
):
    rule = time_rule(admin_user, conditions=[("priority", "is", "urgent")])
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 0
    assert TimeRuleMark.objects.get(rule=rule).fired is False
    assert not timerules.due(rule, now=later(days=6)).exists()
    services.update_ticket(Ticket.objects.get(pk=ticket.pk), actor=agent, priority=Priority.URGENT)
    assert list(timerules.due(rule, now=later(days=6))) == [ticket]
    assert timerules.run_all(now=later(days=6)) == 1


@pytest.mark.django_db
def test_editing_a_rule_forgets_what_did_not_match(admin_user, agent, ticket):
    rule = time_rule(admin_user, conditions=[("priority", "is", "urgent")])
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 0
    time_rule(admin_user, rule=rule, conditions=[("priority", "is", "normal")])
    assert timerules.run_all(now=later(days=6)) == 1


@pytest.mark.django_db
def test_batches_reach_every_ticket_in_a_fixed_number_of_queries(
    admin_user, agent, customer, support, monkeypatch
):
    monkeypatch.setattr(timerules, "BATCH", 3)
    rule = time_rule(
        admin_user, status="new", minutes=60, conditions=[("subject", "contains", "never")]
    )
    for n in range(7):
        services.create_ticket(
            actor=customer,
            requester=customer,
            subject=f"Ticket {n}",
            body=services.Body("x"),
            channel="portal",
            department=support,
        )
    with CaptureQueriesContext(connection) as queries:
        assert timerules.run_rule(rule, now=later(hours=2)) == 0
    # Per batch of 3: the candidates, their tags, the "seen" marks, the pruning.
    assert len(queries) <= 3 * 5
    assert TimeRuleMark.objects.filter(rule=rule, fired=False).count() == 7
    with CaptureQueriesContext(connection) as queries:
        assert timerules.run_rule(rule, now=later(hours=2)) == 0
    assert len(queries) == 3  # its conditions, its actions, one query that finds nothing due


@pytest.mark.django_db
def test_a_failing_action_is_recorded_and_not_retried_every_run(admin_user, agent, ticket):
    temp = Department.objects.create(name="Temp")
    rule = time_rule(admin_user, actions=[("set_department", "Temp")])
    Department.objects.filter(pk=temp.pk).update(is_active=False)
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 0
    rule.refresh_from_db()
    assert "no active department" in rule.last_error
    assert rule.last_error.startswith(f"#{ticket.number}")
    assert not timerules.due(rule, now=later(days=7)).exists()


@pytest.mark.django_db
def test_inactive_rules_do_nothing(admin_user, agent, ticket):
    time_rule(admin_user, is_active=False)
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "waiting"}, "Unknown status"),
        ({"clock": "sundial"}, "Unknown clock"),
        ({"minutes": 0}, "between a minute and a year"),
        ({"minutes": 10**9}, "between a minute and a year"),
        ({"conditions": [("priority", "is", "whenever")]}, "Condition 1: Unknown priority"),
        ({"actions": [("explode", "")]}, "Action 1: Unknown action"),
        ({"name": "  "}, "short name"),
    ],
)
@pytest.mark.django_db
def test_malformed_time_rule_is_refused(admin_user, changes, message):
    with pytest.raises(ValidationError) as refused:
        time_rule(admin_user, **changes)
    assert message in str(refused.value)
    assert not TimeRule.objects.exists()


@pytest.mark.django_db
def test_only_admins_and_supervisors_save_time_rules(agent):
    with pytest.raises(PermissionDenied):
        time_rule(agent)


def test_the_scheduler_runs_time_rules():
    job = schedule.jobs()["relaydesk.automation.periodic.time_rules"]
    assert job.every == dt.timedelta(minutes=5)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_act_once(admin_user, agent, customer, support):
    time_rule(admin_user)
    tickets = []
    for n in range(4):
        ticket = services.create_ticket(
            actor=customer,
            requester=customer,
            subject=f"Waiting {n}",
            body=services.Body("x"),
            channel="portal",
            department=support,
        )
        tickets.append(set_status(ticket, agent, StatusCategory.PENDING))
    when = later(days=6)
    in_threads(lambda i: timerules.run_all(now=when), count=4)
    for ticket in tickets:
        assert len(replies(ticket)) == 1
    assert TimeRuleMark.objects.filter(fired=True).count() == 4


@pytest.mark.django_db
def test_a_clock_condition_is_tested_again_every_run(admin_user, agent, ticket):
    rule = time_rule(admin_user, conditions=[("business_hours", "is", "no")])
    set_status(ticket, agent, StatusCategory.PENDING)
    assert timerules.run_all(now=later(days=6)) == 0  # no SLA policy: always open
    assert not TimeRuleMark.objects.filter(rule=rule).exists()
    assert list(timerules.due(rule, now=later(days=6))) == [ticket]
