"""Merge, split and link (TK7): what moves, what both histories say, and every refusal."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from relaydesk.accounts.models import Access, Membership
from relaydesk.mail.models import TicketCC
from relaydesk.search.models import SearchDocument
from relaydesk.tickets import events, merging, services
from relaydesk.tickets.models import Channel, StatusCategory, Ticket, TicketEvent
from relaydesk.tickets.snoozing import snooze
from relaydesk.tickets.tests.helpers import nothing_changes, upload


def open_ticket(requester, department, subject="Second printer", body="Also smoking."):
    return services.create_ticket(
        actor=requester,
        requester=requester,
        subject=subject,
        body=services.Body(body),
        channel=Channel.PORTAL,
        department=department,
    )


@pytest.fixture
def target(other_customer, support):
    return open_ticket(other_customer, support, subject="Printers", body="Paper jam everywhere.")


def lines(ticket, field):
    return list(TicketEvent.objects.filter(ticket=ticket, field=field).values("before", "after"))


def test_merge_moves_messages_and_attachments_and_closes_the_source(ticket, target, agent):
    services.add_message(
        ticket, actor=agent, body=services.Body("See the log"), attachments=[upload("log.txt")]
    )
    moved = set(ticket.messages.values_list("pk", flat=True))
    merging.merge_tickets(ticket, into=target, actor=agent)
    ticket.refresh_from_db()
    assert ticket.merged_into == target
    assert ticket.status == StatusCategory.CLOSED
    assert not ticket.messages.exists()
    assert moved <= set(target.messages.values_list("pk", flat=True))
    assert target.messages.filter(attachments__filename="log.txt").exists()
    assert lines(ticket, events.MERGED_INTO) == [
        {"before": None, "after": {"id": target.pk, "label": str(target)}}
    ]
    assert lines(target, events.MERGED_FROM)[0]["after"]["id"] == ticket.pk


def test_merge_unites_tags_followers_ccs_and_copies_the_requester(
    ticket, target, agent, supervisor, colleague, customer
):
    services.update_ticket(ticket, actor=agent, tags=["printer", "urgent"])
    services.update_ticket(target, actor=agent, tags=["printer", "paper"])
    services.set_following(ticket, actor=supervisor, following=True)
    TicketCC.objects.create(ticket=ticket, user=colleague)
    merging.merge_tickets(ticket, into=target, actor=agent)
    assert sorted(target.tags.values_list("name", flat=True)) == ["paper", "printer", "urgent"]
    assert list(target.followers.all()) == [supervisor]
    ccs = set(TicketCC.objects.filter(ticket=target).values_list("user_id", flat=True))
    assert ccs == {customer.pk, colleague.pk}


def test_merge_updates_both_search_documents(ticket, target, agent):
    merging.merge_tickets(ticket, into=target, actor=agent)
    assert "smoking" in SearchDocument.objects.get(ticket=target).public_text
    assert "smoking" not in SearchDocument.objects.get(ticket=ticket).public_text


def test_merge_repoints_earlier_merges_so_chains_stay_one_step(ticket, target, agent, support):
    third = open_ticket(ticket.requester, support, subject="Third")
    merging.merge_tickets(third, into=ticket, actor=agent)
    merging.merge_tickets(ticket, into=target, actor=agent)
    third.refresh_from_db()
    assert third.merged_into == target


def test_merge_ends_a_snooze_of_the_source(ticket, target, agent):
    snooze(ticket, actor=agent, until=timezone.now() + timedelta(days=1))
    merging.merge_tickets(ticket, into=target, actor=agent)
    ticket.refresh_from_db()
    assert ticket.snoozed_until is None


def test_merge_keeps_the_history_of_the_source(ticket, target, agent):
    before = list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))
    merging.merge_tickets(ticket, into=target, actor=agent)
    after = TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True)
    assert set(before) < set(after)


@pytest.mark.parametrize(
    "case",
    ["itself", "source merged", "target merged", "target closed", "cycle", "too many tags"],
)
def test_refused_merges_change_nothing(case, ticket, target, agent, support, media_root):
    into = target
    if case == "itself":
        into = ticket
    elif case == "source merged":
        merging.merge_tickets(ticket, into=open_ticket(ticket.requester, support), actor=agent)
    elif case == "target merged":
        merging.merge_tickets(target, into=open_ticket(ticket.requester, support), actor=agent)
    elif case == "target closed":
        services.update_ticket(target, actor=agent, status=StatusCategory.CLOSED)
    elif case == "cycle":
        merging.merge_tickets(target, into=ticket, actor=agent)
    elif case == "too many tags":
        services.update_ticket(ticket, actor=agent, tags=[f"a{i}" for i in range(15)])
        services.update_ticket(target, actor=agent, tags=[f"b{i}" for i in range(15)])
    ticket = Ticket.objects.get(pk=ticket.pk)
    into = Ticket.objects.get(pk=into.pk)
    with nothing_changes(media_root), pytest.raises(ValidationError):
        merging.merge_tickets(ticket, into=into, actor=agent)


@pytest.mark.parametrize("who", ["readonly_agent", "customer", "other_agent"])
def test_people_who_cannot_change_both_are_refused(who, request, ticket, target):
    actor = request.getfixturevalue(who)
    with nothing_changes(), pytest.raises((PermissionDenied, ValidationError)):
        merging.merge_tickets(ticket, into=target, actor=actor)


def test_an_invisible_target_is_unknown_not_forbidden(ticket, agent, other_customer, sales):
    hidden = open_ticket(other_customer, sales)
    with nothing_changes(), pytest.raises(ValidationError) as refused:
        merging.merge_tickets(ticket, into=hidden, actor=agent)
    assert refused.value.message_dict == {"into": ["No such ticket."]}


def test_a_read_only_target_is_forbidden(ticket, agent, other_customer, sales, support):
    Membership.objects.create(user=agent, department=sales, access=Access.READ)
    readable = open_ticket(other_customer, sales)
    with nothing_changes(), pytest.raises(PermissionDenied):
        merging.merge_tickets(ticket, into=readable, actor=agent)


def test_split_moves_the_chosen_messages_into_a_new_ticket(ticket, agent):
    note = services.add_message(ticket, actor=agent, body=services.Body("Other topic"))
    new = merging.split_ticket(ticket, actor=agent, messages=[note.pk], subject="Other topic")
    assert list(new.messages.all()) == [note]
    assert (new.requester, new.department, new.subject) == (
        ticket.requester,
        ticket.department,
        "Other topic",
    )
    assert ticket.messages.count() == 1
    assert lines(new, events.SPLIT_FROM)[0]["after"]["id"] == ticket.pk
    assert lines(ticket, events.SPLIT_TO)[0]["after"]["messages"] == 1
    assert "Other topic" in SearchDocument.objects.get(ticket=new).public_text


@pytest.mark.parametrize("case", ["none", "all", "foreign", "unknown", "too many"])
def test_refused_splits_change_nothing(case, ticket, target, agent):
    first = ticket.messages.get().pk
    chosen = {
        "none": [],
        "all": [first],
        "foreign": [target.messages.get().pk],
        "unknown": [10**9],
        "too many": list(range(1, merging.MAX_SPLIT + 2)),
    }[case]
    with nothing_changes(), pytest.raises(ValidationError):
        merging.split_ticket(ticket, actor=agent, messages=chosen)


def test_read_only_agent_cannot_split(ticket, agent, readonly_agent):
    note = services.add_message(ticket, actor=agent, body=services.Body("Other topic"))
    with nothing_changes(), pytest.raises(PermissionDenied):
        merging.split_ticket(ticket, actor=readonly_agent, messages=[note.pk])


def test_link_and_unlink_write_history_on_both(ticket, target, agent):
    merging.set_link(ticket, other=target, actor=agent, linked=True)
    assert list(target.linked.all()) == [ticket]
    assert lines(target, events.LINKED)[0]["after"]["id"] == ticket.pk
    merging.set_link(target, other=ticket, actor=agent, linked=False)
    assert not ticket.linked.exists()
    assert len(lines(ticket, events.LINKED)) == 2


def test_linking_twice_writes_nothing_more(ticket, target, agent):
    merging.set_link(ticket, other=target, actor=agent, linked=True)
    with nothing_changes():
        merging.set_link(ticket, other=target, actor=agent, linked=True)


@pytest.mark.parametrize("who", ["readonly_agent", "customer", "other_agent"])
def test_link_refusals_change_nothing(who, request, ticket, target):
    actor = request.getfixturevalue(who)
    with nothing_changes(), pytest.raises((PermissionDenied, ValidationError)):
        merging.set_link(ticket, other=target, actor=actor, linked=True)


def test_a_ticket_cannot_be_linked_to_itself(ticket, agent):
    with nothing_changes(), pytest.raises(ValidationError):
        merging.set_link(ticket, other=ticket, actor=agent, linked=True)


def test_a_merged_ticket_takes_no_more_messages(ticket, target, agent, customer):
    merging.merge_tickets(ticket, into=target, actor=agent)
    for actor in (agent, customer):
        with nothing_changes(), pytest.raises(ValidationError):
            services.add_message(ticket, actor=actor, body=services.Body("Hello?"))
