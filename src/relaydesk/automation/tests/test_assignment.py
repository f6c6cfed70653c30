"""Round robin, least loaded, caps, the waiting queue, availability, sticky and skills."""

from __future__ import annotations

import pytest

from relaydesk.automation import assignment
from relaydesk.automation import services as auto
from relaydesk.automation.models import AgentState, AssignmentMode, Availability, QueueEntry
from relaydesk.automation.tests.conftest import add_agent, set_mode
from relaydesk.conftest import make_user
from relaydesk.tickets import services
from relaydesk.tickets.models import StatusCategory, Ticket

pytestmark = pytest.mark.django_db


def test_manual_department_leaves_tickets_unassigned(support, agent, open_ticket):
    ticket = open_ticket(support)
    assert ticket.assignee is None
    assert not QueueEntry.objects.exists()


def test_round_robin_takes_turns(support, open_ticket):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one, two, three = (add_agent(support, f"a{i}@example.com") for i in range(3))
    got = [open_ticket(support).assignee for _ in range(6)]
    assert got == [one, two, three, one, two, three]


def test_least_loaded_prefers_the_agent_with_fewest_open_tickets(support, open_ticket, committed):
    one, two = add_agent(support, "one@example.com"), add_agent(support, "two@example.com")
    for _ in range(2):  # one holds two tickets before the department switches to least loaded
        ticket = open_ticket(support)
        committed(services.update_ticket, ticket, actor=one, assignee=one)
    set_mode(support, AssignmentMode.LEAST_LOADED)
    assert [open_ticket(support).assignee for _ in range(3)] == [two, two, one]


def test_assignment_is_written_in_history_as_the_rule(support, open_ticket):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    add_agent(support, "one@example.com")
    ticket = open_ticket(support)
    line = ticket.events.get(field="assignee")
    assert line.actor is None
    assert line.note == "Assignment: Round robin"


def test_full_agents_make_tickets_wait_and_a_solve_hands_out_the_oldest(
    support, open_ticket, committed
):
    set_mode(support, AssignmentMode.LEAST_LOADED)
    one = add_agent(support, "one@example.com", capacity=1)
    two = add_agent(support, "two@example.com", capacity=1)
    first, second = open_ticket(support), open_ticket(support)
    waiting = [open_ticket(support, subject=f"waiting {i}") for i in range(3)]
    assert {first.assignee, second.assignee} == {one, two}
    assert [e.ticket for e in QueueEntry.objects.all()] == waiting
    assert all(t.assignee is None for t in waiting)

    committed(services.update_ticket, first, actor=first.assignee, status=StatusCategory.SOLVED)

    assert Ticket.objects.get(pk=waiting[0].pk).assignee == first.assignee
    assert [e.ticket for e in QueueEntry.objects.all()] == waiting[1:]


def test_transfer_away_frees_a_slot(support, sales, open_ticket, committed, other_agent):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com", capacity=1)
    held, waiting = open_ticket(support), open_ticket(support)
    assert held.assignee == one
    assert waiting.assignee is None
    committed(services.transfer, held, actor=one, department=sales, assignee=None, note="")
    assert Ticket.objects.get(pk=waiting.pk).assignee == one


def test_agent_coming_online_takes_waiting_tickets(support, open_ticket, committed):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com")
    AgentState.objects.create(user=one, availability=Availability.OFFLINE)
    ticket = open_ticket(support)
    assert ticket.assignee is None
    assert QueueEntry.objects.filter(ticket=ticket).exists()
    committed(auto.set_availability, actor=one, availability=Availability.ONLINE)
    assert Ticket.objects.get(pk=ticket.pk).assignee == one
    assert not QueueEntry.objects.exists()


def test_away_agents_get_nothing(support, open_ticket):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    away = add_agent(support, "away@example.com")
    here = add_agent(support, "here@example.com")
    AgentState.objects.create(user=away, availability=Availability.AWAY)
    assert {open_ticket(support).assignee for _ in range(3)} == {here}


def test_raising_a_cap_hands_out_waiting_tickets(support, open_ticket, committed, admin_user):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com", capacity=1)
    open_ticket(support)
    waiting = open_ticket(support)
    membership = one.memberships.get(department=support)
    committed(auto.set_agent, membership, actor=admin_user, capacity=2, skills=[], languages=[])
    assert Ticket.objects.get(pk=waiting.pk).assignee == one


def test_sticky_new_request_goes_to_the_agent_who_handled_the_last(support, open_ticket, committed):
    set_mode(support, AssignmentMode.ROUND_ROBIN, sticky=True)
    one, two = add_agent(support, "one@example.com"), add_agent(support, "two@example.com")
    first = open_ticket(support)
    committed(services.update_ticket, first, actor=one, assignee=two)
    assert open_ticket(support).assignee == two


def test_customer_reply_moves_ticket_from_an_offline_agent(
    support, open_ticket, committed, customer
):
    set_mode(support, AssignmentMode.ROUND_ROBIN, sticky=True)
    one = add_agent(support, "one@example.com")
    ticket = open_ticket(support)
    assert ticket.assignee == one
    two = add_agent(support, "two@example.com")
    AgentState.objects.create(user=one, availability=Availability.OFFLINE)
    committed(services.add_message, ticket, actor=customer, body=services.Body("Anyone?"))
    assert Ticket.objects.get(pk=ticket.pk).assignee == two


def test_customer_reply_stays_with_an_available_agent(support, open_ticket, committed, customer):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com")
    ticket = open_ticket(support)
    add_agent(support, "two@example.com")
    committed(services.add_message, ticket, actor=customer, body=services.Body("More"))
    assert Ticket.objects.get(pk=ticket.pk).assignee == one


def test_a_tag_naming_a_skill_needs_an_agent_with_it(support, open_ticket, admin_user):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    plain = add_agent(support, "plain@example.com")
    expert = add_agent(support, "expert@example.com")
    auto.set_agent(
        expert.memberships.get(), actor=admin_user, capacity=0, skills=["Billing"], languages=[]
    )
    assert {open_ticket(support, tags=["billing"]).assignee for _ in range(3)} == {expert}
    assert open_ticket(support).assignee == plain


def test_language_matching_picks_an_agent_who_speaks_it(support, open_ticket, admin_user):
    set_mode(support, AssignmentMode.ROUND_ROBIN, match_language=True)
    english = add_agent(support, "en@example.com")
    russian = add_agent(support, "ru@example.com")
    for user, codes in ((english, ["en"]), (russian, ["ru"])):
        auto.set_agent(
            user.memberships.get(), actor=admin_user, capacity=0, skills=[], languages=codes
        )
    assert {open_ticket(support, language="ru").assignee for _ in range(3)} == {russian}


def test_a_ticket_nobody_can_take_does_not_block_the_queue(support, open_ticket, committed):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com")
    AgentState.objects.create(user=one, availability=Availability.OFFLINE)
    from relaydesk.automation.models import Skill

    Skill.objects.create(name="legal")
    needs_skill = open_ticket(support, tags=["legal"])
    plain = open_ticket(support)
    committed(auto.set_availability, actor=one, availability=Availability.ONLINE)
    assert Ticket.objects.get(pk=plain.pk).assignee == one
    assert Ticket.objects.get(pk=needs_skill.pk).assignee is None
    assert QueueEntry.objects.get().ticket == needs_skill


def test_manual_assignment_takes_a_ticket_out_of_the_queue(support, open_ticket, committed):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com", capacity=1)
    open_ticket(support)
    waiting = open_ticket(support)
    committed(services.update_ticket, waiting, actor=one, assignee=one)
    assert not QueueEntry.objects.exists()


def test_solving_a_waiting_ticket_takes_it_out_of_the_queue(support, open_ticket, committed):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com", capacity=1)
    open_ticket(support)
    waiting = open_ticket(support)
    committed(services.update_ticket, waiting, actor=one, status=StatusCategory.SOLVED)
    assert not QueueEntry.objects.exists()


def test_drain_hands_out_in_arrival_order(support, open_ticket, committed, admin_user):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    one = add_agent(support, "one@example.com")
    AgentState.objects.create(user=one, availability=Availability.OFFLINE)
    waiting = [open_ticket(support, subject=f"w{i}") for i in range(5)]
    membership = one.memberships.get()
    auto.set_agent(membership, actor=admin_user, capacity=3, skills=[], languages=[])
    AgentState.objects.filter(user=one).update(availability=Availability.ONLINE)
    assert assignment.drain(support.pk) == 3
    assigned = [Ticket.objects.get(pk=t.pk).assignee for t in waiting]
    assert assigned == [one, one, one, None, None]


def test_customer_cannot_set_availability(customer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        auto.set_availability(actor=customer, availability=Availability.ONLINE)


def test_unknown_availability_is_refused(agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        auto.set_availability(actor=agent, availability="sleeping")
    assert not AgentState.objects.exists()


def test_only_leads_of_the_department_configure_it(support, agent, supervisor, other_agent):
    from django.core.exceptions import PermissionDenied

    for actor in (agent, other_agent):
        with pytest.raises(PermissionDenied):
            auto.configure_department(
                support, actor=actor, mode="round_robin", sticky=True, match_language=False
            )
    auto.configure_department(
        support, actor=supervisor, mode="round_robin", sticky=True, match_language=False
    )
    assert support.routing.mode == AssignmentMode.ROUND_ROBIN


@pytest.mark.parametrize("capacity", [-1, True, "3", 10_001])
def test_bad_caps_are_refused(support, agent, admin_user, capacity):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        auto.set_agent(
            agent.memberships.get(), actor=admin_user, capacity=capacity, skills=[], languages=[]
        )
    assert agent.memberships.get().capacity == 0


def test_unknown_language_for_an_agent_is_refused(agent, admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        auto.set_agent(
            agent.memberships.get(), actor=admin_user, capacity=0, skills=[], languages=["xx"]
        )


def test_customer_never_becomes_a_candidate(support, open_ticket):
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    make_user("ghost@example.com", "customer")
    assert open_ticket(support).assignee is None


def test_a_mode_changed_here_counts_at_the_next_ticket(support, open_ticket, monkeypatch):
    from relaydesk.core import kept

    monkeypatch.setattr(kept, "KEEP_SECONDS", 60.0)  # the modes kept as in production
    assert open_ticket(support).assignee is None
    set_mode(support, AssignmentMode.ROUND_ROBIN)
    agent = add_agent(support, "a@example.com")
    assert open_ticket(support).assignee == agent


@pytest.mark.django_db(transaction=True)
def test_routing_in_a_manual_department_takes_a_left_over_entry_out_in_one_statement(
    support, open_ticket
):
    """After commit, the ORM's delete() would wrap the DELETE in a transaction of its own: a
    BEGIN and a COMMIT more (SQLite's BEGIN is a statement of the connection's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ticket = open_ticket(support)
    QueueEntry.objects.create(ticket=ticket, department=support)  # queued before, say
    with CaptureQueriesContext(connection) as queries:
        assert assignment.route(ticket.pk, department_id=support.pk) is False
    written = [q["sql"].split()[0] for q in queries if not q["sql"].startswith("SELECT")]
    assert written == ["DELETE"]  # the departments' modes may be read; no BEGIN
    assert not QueueEntry.objects.exists()
