"""Tickets waiting too long in the assignment queue, and the triggers' "notify" action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relaydesk.automation import rules
from relaydesk.automation.models import Action, QueueEntry, Trigger, TriggerOn
from relaydesk.core.schedule import jobs
from relaydesk.notifications import queue
from relaydesk.notifications.models import Event, Notification


def test_a_long_wait_is_announced_once_to_the_supervisors(ticket, supervisor, agent, settings):
    settings.QUEUE_WAIT_ALERT_MINUTES = 30
    entry = QueueEntry.objects.create(
        ticket=ticket,
        department=ticket.department,
        queued_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert queue.announce_long_waits() == 1
    [row] = Notification.objects.all()
    assert (row.recipient, row.event, row.ticket) == (supervisor, Event.QUEUE_WAIT, ticket)
    assert queue.announce_long_waits() == 0
    # Back in the queue later: a new stay, announced again.
    entry.queued_at = timezone.now() - dt.timedelta(minutes=45)
    entry.save()
    assert queue.announce_long_waits() == 1


def test_a_short_wait_is_not_announced(ticket, supervisor, settings):
    settings.QUEUE_WAIT_ALERT_MINUTES = 30
    QueueEntry.objects.create(ticket=ticket, department=ticket.department)
    assert queue.announce_long_waits() == 0


def test_without_supervisors_administrators_hear(ticket, admin_user, settings):
    settings.QUEUE_WAIT_ALERT_MINUTES = 1
    QueueEntry.objects.create(
        ticket=ticket,
        department=ticket.department,
        queued_at=timezone.now() - dt.timedelta(hours=1),
    )
    queue.announce_long_waits()
    assert Notification.objects.get().recipient == admin_user


def test_the_job_is_declared_for_the_scheduler():
    assert "relaydesk.notifications.periodic.announce_long_waits" in jobs()


def notify_trigger(value: str) -> Trigger:
    trigger = Trigger.objects.create(name="Tell them", on=TriggerOn.CUSTOMER_REPLIED, match="all")
    Action.objects.create(trigger=trigger, kind="notify", value=value)
    return trigger


def test_notify_action_reaches_a_department_and_an_agent(
    ticket, agent, readonly_agent, other_agent, admin_user
):
    trigger = notify_trigger("Support, admin@example.com\nLook at {{ ticket.number }}")
    actions = [(action.kind, action.value) for action in trigger.actions.all()]
    rules.perform(actions, ticket, cause=trigger.name)
    got = {r.recipient: r for r in Notification.objects.all()}
    # Bob (Sales) is not in Support and cannot see the ticket.
    assert set(got) == {agent, readonly_agent, admin_user}
    assert got[agent].text == f"Look at {ticket.number}"
    assert got[agent].event == Event.TRIGGER


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Support",
        "Support\n   ",
        "Nowhere\nHello",
        "nobody@example.com\nHello",
        "carol@acme.test\nHello",
        ",,,\nHello",
    ],
)
def test_malformed_notify_actions_are_refused(value, customer, support):
    with pytest.raises(ValidationError):
        rules.check_action("notify", value)
