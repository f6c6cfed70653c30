"""Due times stored on the ticket, recomputed from its history once per action that can
change them (SL1, SL2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relaydesk.conftest import portal_ticket
from relaydesk.sla import engine
from relaydesk.sla.models import Kind, Policy, Record, Target, TicketSla
from relaydesk.sla.tests.conftest import backdate
from relaydesk.tickets import services
from relaydesk.tickets.models import Priority, StatusCategory, Ticket

H = dt.timedelta(hours=1)


def reload(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_a_new_ticket_gets_its_due_times_stored(policy, ticket):
    ticket = reload(ticket)
    assert ticket.first_response_due_at == ticket.created_at + H
    assert ticket.resolution_due_at == ticket.created_at + 8 * H
    assert ticket.next_response_due_at is None
    state = TicketSla.objects.get(ticket=ticket)
    assert (state.policy, state.due_kind, state.paused) == (policy, Kind.FIRST_RESPONSE, False)
    assert state.risk_at == ticket.created_at + dt.timedelta(minutes=48)


def test_without_a_matching_policy_nothing_is_due(ticket):
    ticket = reload(ticket)
    assert ticket.first_response_due_at is None
    assert TicketSla.objects.get(ticket=ticket).policy is None


def test_a_public_reply_meets_the_first_response_but_a_note_does_not(policy, ticket, agent):
    services.add_message(ticket, actor=agent, body=services.Body("Internal"), internal=True)
    assert reload(ticket).first_response_due_at is not None
    services.add_message(ticket, actor=agent, body=services.Body("On it"))
    ticket = reload(ticket)
    assert ticket.first_response_due_at is None
    record = Record.objects.get(ticket=ticket, kind=Kind.FIRST_RESPONSE)
    assert record.achieved
    assert record.met_at == ticket.first_responded_at


def test_a_customer_message_after_a_reply_starts_the_next_response_clock(
    policy, ticket, agent, customer
):
    services.add_message(ticket, actor=agent, body=services.Body("Which model?"))
    message = services.add_message(ticket, actor=customer, body=services.Body("The red one"))
    assert reload(ticket).next_response_due_at == message.created_at + 2 * H


def test_pending_pauses_the_clock_and_the_customer_reply_resumes_it(
    policy, ticket, agent, customer
):
    services.add_message(ticket, actor=agent, body=services.Body("Send a photo"), status="pending")
    ticket = reload(ticket)
    assert ticket.resolution_due_at is None
    assert TicketSla.objects.get(ticket=ticket).paused
    services.add_message(ticket, actor=customer, body=services.Body("Here"))
    ticket = reload(ticket)
    assert ticket.status == StatusCategory.OPEN
    assert ticket.resolution_due_at is not None
    assert ticket.resolution_due_at > ticket.created_at + 8 * H  # the pause was added


def test_raising_the_priority_recomputes_from_the_start(policy, ticket, agent):
    services.update_ticket(ticket, actor=agent, priority=Priority.URGENT)
    ticket = reload(ticket)
    assert ticket.first_response_due_at == ticket.created_at + dt.timedelta(minutes=15)


def test_a_priority_change_after_a_breach_keeps_the_breach(policy, ticket, agent):
    backdate(ticket, 2 * H)
    services.update_ticket(ticket, actor=agent, priority=Priority.URGENT)
    record = Record.objects.get(ticket=ticket, kind=Kind.FIRST_RESPONSE)
    assert record.breached_at == ticket.created_at + dt.timedelta(minutes=15)
    services.update_ticket(ticket, actor=agent, priority=Priority.LOW)  # no promise for low
    record.refresh_from_db()
    assert record.breached_at is not None
    assert reload(ticket).first_response_due_at is None


def test_the_first_matching_policy_in_order_applies(policy, customer, support, sales, agent):
    vip = Policy.objects.create(name="VIP", position=1)
    vip.departments.add(sales)
    Target.objects.create(policy=vip, priority=Priority.NORMAL, first_response=5)
    ticket = services.create_ticket(
        actor=customer,
        requester=customer,
        subject="Hi",
        body=services.Body("x"),
        channel="portal",
        department=support,
    )
    assert TicketSla.objects.get(ticket=ticket).policy == policy
    services.transfer(ticket, actor=agent, department=sales, assignee=None, note="")
    ticket = reload(ticket)
    assert TicketSla.objects.get(ticket=ticket).policy == vip
    assert ticket.first_response_due_at == ticket.created_at + dt.timedelta(minutes=5)


def test_policies_match_on_tags_and_custom_fields(policy, ticket, agent):
    tagged = Policy.objects.create(name="Tagged", position=1, custom_fields={})
    Target.objects.create(policy=tagged, priority=Priority.NORMAL, resolution=30)
    services.update_ticket(ticket, actor=agent, tags=["vip"])
    tagged.tags.set(services._tags(["vip"]))
    tagged.save()  # M2M changes are saved with their policy (as in the admin)
    engine.recompute(ticket)
    assert TicketSla.objects.get(ticket=ticket).policy == tagged
    services.update_ticket(ticket, actor=agent, tags=[])
    assert TicketSla.objects.get(ticket=ticket).policy == policy


def test_recomputing_the_open_tickets_follows_a_policy_change(policy, ticket):
    Target.objects.filter(policy=policy, priority=Priority.NORMAL).update(first_response=30)
    policy.save()
    assert engine.recompute_open() == 1
    ticket = reload(ticket)
    assert ticket.first_response_due_at == ticket.created_at + dt.timedelta(minutes=30)


def test_a_recompute_costs_a_bounded_number_of_queries(policy, ticket):
    engine.recompute(ticket)
    with CaptureQueriesContext(connection) as queries:
        engine.recompute(ticket)
    # history, earlier timer, records, clock state; plus the configuration check that tests make
    # on every call (production makes it every RELOAD_SECONDS).
    assert len(queries) <= 8


def sla_queries(queries: CaptureQueriesContext) -> dict[str, int]:
    """How often the SLA read the history and wrote the clock state in these queries."""
    sql = [q["sql"] for q in queries.captured_queries]
    return {
        "history reads": sum('COALESCE("tickets_message"."created_at"' in s for s in sql),
        "state writes": sum(
            s.startswith(('UPDATE "sla_ticketsla"', 'INSERT INTO "sla_ticketsla"')) for s in sql
        ),
    }


def test_the_due_times_are_recomputed_once_per_action(policy, ticket, agent):
    with CaptureQueriesContext(connection) as queries:
        # two history lines (the reply, the status): one recompute at the end of the action
        services.add_message(ticket, actor=agent, body=services.Body("Photo?"), status="pending")
    assert sla_queries(queries) == {"history reads": 1, "state writes": 1}
    assert TicketSla.objects.get(ticket=ticket).paused
    with CaptureQueriesContext(connection) as queries:
        services.update_ticket(
            ticket, actor=agent, priority=Priority.URGENT, status="open", tags=["vip"]
        )
    assert sla_queries(queries) == {"history reads": 1, "state writes": 1}
    ticket = reload(ticket)
    paused = dt.timedelta(minutes=1)  # at most, between the two actions
    urgent = ticket.created_at + 2 * H  # resolution in 120 min, plus the pause
    assert ticket.resolution_due_at
    assert urgent < ticket.resolution_due_at < urgent + paused


def test_an_action_that_cannot_move_the_clock_does_not_recompute(policy, ticket, agent):
    with CaptureQueriesContext(connection) as queries:
        services.add_message(ticket, actor=agent, body=services.Body("Note"), internal=True)
        services.log_time(ticket, actor=agent, minutes=5)
    assert sla_queries(queries) == {"history reads": 0, "state writes": 0}


def test_a_failed_action_leaves_the_clock_as_it_was(policy, ticket, agent):
    before = TicketSla.objects.get(ticket=ticket)
    with pytest.raises(ValidationError):
        services.update_ticket(ticket, actor=agent, priority=Priority.URGENT, subject="")
    assert TicketSla.objects.get(ticket=ticket).due_at == before.due_at


def test_a_merged_ticket_leaves_the_sla(policy, ticket, customer):
    other = services.create_ticket(
        actor=customer, requester=customer, subject="Dup", body=services.Body("x"), channel="portal"
    )
    Ticket.objects.filter(pk=ticket.pk).update(merged_into=other)
    engine.recompute(reload(ticket))
    assert reload(ticket).resolution_due_at is None
    assert not Record.objects.filter(ticket=ticket).exists()


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]


def sla_reads(queries: CaptureQueriesContext) -> int:
    return sum(
        '"sla_record"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")
        for q in queries.captured_queries
    )


def test_an_event_that_changes_nothing_writes_nothing(policy, ticket, agent, customer):
    services.add_message(ticket, actor=agent, body=services.Body("Which model?"), status="pending")
    services.add_message(ticket, actor=customer, body=services.Body("The red one"))
    with CaptureQueriesContext(connection) as queries:
        engine.recompute(reload(ticket))
    # history, records, clock state (and the tags) in one statement; nothing differs
    assert (sla_reads(queries), writes(queries)) == (1, [])


def test_a_change_is_read_in_one_statement_and_written_in_one_round_trip(policy, ticket, agent):
    services.add_message(ticket, actor=agent, body=services.Body("Which model?"))
    ticket = reload(ticket)
    ticket.priority = Priority.URGENT  # moves the resolution: ticket, clock state and records
    with CaptureQueriesContext(connection) as queries:
        engine.recompute(ticket)
    assert sla_reads(queries) == 1
    written = writes(queries)
    if connection.vendor == "postgresql":  # SQLite runs in this process: nothing to save
        assert len(written) == 1
    assert any('"sla_ticketsla"' in sql for sql in written)
    assert reload(ticket).resolution_due_at == ticket.created_at + 2 * H
    resolution = Record.objects.get(ticket=ticket, kind=Kind.RESOLUTION)
    assert resolution.due_at == ticket.created_at + 2 * H


def test_a_batch_stores_what_one_ticket_at_a_time_stores(policy, ticket, agent, customer):
    """The batch (a calendar change) and the single ticket (an action) share their SQL; both
    leave the same rows, tags read with the rest when a policy matches on them."""
    services.add_message(ticket, actor=agent, body=services.Body("Which model?"), status="pending")
    services.add_message(ticket, actor=customer, body=services.Body("The red one"))
    other = services.create_ticket(
        actor=customer, requester=customer, subject="Two", body=services.Body("x"), channel="portal"
    )
    services.update_ticket(other, actor=agent, priority=Priority.URGENT, tags=["vip"])
    vip = Policy.objects.create(name="VIP", position=1)
    vip.tags.set(services._tags(["vip"]))
    Target.objects.create(policy=vip, priority=Priority.URGENT, first_response=5, resolution=50)
    ids = [ticket.pk, other.pk]
    for pk in ids:
        engine.recompute(Ticket.objects.get(pk=pk))

    def stored() -> list[tuple[object, ...]]:
        dues = ("pk", "first_response_due_at", "next_response_due_at", "resolution_due_at")
        return [
            *Ticket.objects.filter(pk__in=ids).order_by("pk").values_list(*dues),
            *TicketSla.objects.filter(ticket__in=ids).order_by("pk").values_list(),
            *Record.objects.filter(ticket__in=ids).order_by("pk").values_list(),
        ]

    one_by_one = stored()
    assert TicketSla.objects.get(ticket=other).policy == vip
    TicketSla.objects.filter(ticket__in=ids).delete()
    Record.objects.filter(ticket__in=ids).update(due_at=None)
    Ticket.objects.filter(pk__in=ids).update(resolution_due_at=None)
    engine.recompute_many(list(Ticket.objects.filter(pk__in=ids)))
    assert stored() == one_by_one


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_recompute_of_many_locks_each_batch_before_reading_history(policy, ticket):
    with CaptureQueriesContext(connection) as queries:
        assert engine.recompute_open() == 1
    picked = next(q["sql"] for q in queries if 'FROM "tickets_ticket"' in q["sql"])
    assert "FOR UPDATE" in picked


def test_a_new_ticket_is_not_read_back_and_stores_what_a_read_would(policy, customer, support):
    with CaptureQueriesContext(connection) as queries:
        ticket = portal_ticket(customer, support)
    assert sla_reads(queries) == 0  # its lines are all it has, and nothing is stored yet
    assert reload(ticket).first_response_due_at == ticket.created_at + H
    with CaptureQueriesContext(connection) as queries:
        engine.recompute(reload(ticket), now=ticket.created_at)
    assert (sla_reads(queries), writes(queries)) == (1, [])


def test_a_policy_on_tags_reads_a_new_tickets_tags(policy, customer, support):
    from relaydesk.tickets.models import Tag

    policy.tags.add(Tag.objects.create(name="vip"))
    with CaptureQueriesContext(connection) as queries:
        tagged = portal_ticket(customer, support, tags=["vip"])
    assert sla_reads(queries) == 1
    assert TicketSla.objects.get(ticket=tagged).policy == policy
