"""Merge, split, links, snooze and spam over the API: the service layer's rules, problem+json
answers, and the permission matrix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.api.models import Scope
from relaydesk.api.tests.conftest import api_as
from relaydesk.mail.models import BlockedSender
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, StatusCategory, Ticket
from relaydesk.tickets.tests.helpers import nothing_changes


@pytest.fixture
def target(other_customer, support):
    return services.create_ticket(
        actor=other_customer,
        requester=other_customer,
        subject="Printers",
        body=services.Body("Paper jam."),
        channel=Channel.PORTAL,
        department=support,
    )


def test_merge_answers_the_target_and_the_source_points_to_it(agent, ticket, target):
    answer = api_as(agent).post(f"/tickets/{ticket.number}/merge", {"into": target.number})
    assert answer.status_code == 200, answer.content
    assert answer.json()["number"] == target.number
    source = api_as(agent).get(f"/tickets/{ticket.number}").json()
    assert (source["status"], source["merged_into"]) == ("closed", target.number)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"into": 0}, "into"),
        ({"into": "x"}, "into"),
        ({"into": 2**63}, "into"),
        ({}, "into"),
        ({"into": 99999999}, "into"),
    ],
)
def test_malformed_or_unknown_merge_target_is_a_422_that_changes_nothing(
    agent, ticket, body, field
):
    with nothing_changes():
        answer = api_as(agent).post(f"/tickets/{ticket.number}/merge", body)
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert any(field in e["field"] for e in answer.json()["errors"])


def test_merging_into_itself_is_a_422(agent, ticket):
    with nothing_changes():
        answer = api_as(agent).post(f"/tickets/{ticket.number}/merge", {"into": ticket.number})
    assert answer.status_code == 422


@pytest.mark.parametrize(
    ("who", "status"),
    [("customer", 403), ("other_agent", 404), ("readonly_agent", 403), ("other_customer", 403)],
)
def test_merge_permission_matrix(who, status, request, ticket, target):
    user = request.getfixturevalue(who)
    with nothing_changes():
        answer = api_as(user).post(f"/tickets/{ticket.number}/merge", {"into": target.number})
    assert answer.status_code == status


def test_a_read_only_token_cannot_merge(agent, ticket, target):
    with nothing_changes():
        answer = api_as(agent, Scope.READ).post(
            f"/tickets/{ticket.number}/merge", {"into": target.number}
        )
    assert answer.status_code == 403


def test_snooze_and_wake(agent, ticket):
    until = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    answer = api_as(agent).post(f"/tickets/{ticket.number}/snooze", {"until": until.isoformat()})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "pending"
    assert answer.json()["snoozed_until"] is not None
    answer = api_as(agent).post(f"/tickets/{ticket.number}/snooze", {"until": None})
    assert (answer.json()["status"], answer.json()["snoozed_until"]) == ("open", None)


@pytest.mark.parametrize(
    "until", ["yesterday", "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "2030-01-01T09:00", 5]
)
def test_bad_snooze_times_are_422_and_change_nothing(agent, ticket, until):
    with nothing_changes():
        answer = api_as(agent).post(f"/tickets/{ticket.number}/snooze", {"until": until})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("who", "status"), [("customer", 403), ("other_agent", 404), ("readonly_agent", 403)]
)
def test_snooze_and_spam_permission_matrix(who, status, request, ticket):
    user = request.getfixturevalue(who)
    until = (timezone.now() + timedelta(days=1)).isoformat()
    with nothing_changes():
        assert (
            api_as(user).post(f"/tickets/{ticket.number}/snooze", {"until": until}).status_code
            == status
        )
        assert api_as(user).post(f"/tickets/{ticket.number}/spam", {}).status_code == status
    assert not BlockedSender.objects.exists()


def test_spam_closes_tags_and_blocks_the_sender(agent, ticket, customer):
    answer = api_as(agent).post(f"/tickets/{ticket.number}/spam", {})
    assert answer.status_code == 200
    assert answer.json()["status"] == StatusCategory.CLOSED
    assert "spam" in answer.json()["tags"]
    assert BlockedSender.objects.filter(pattern=customer.email).exists()


def test_split_makes_a_new_ticket(agent, ticket):
    note = services.add_message(ticket, actor=agent, body=services.Body("Other question"))
    answer = api_as(agent).post(
        f"/tickets/{ticket.number}/split", {"messages": [note.pk], "subject": "Other question"}
    )
    assert answer.status_code == 201, answer.content
    new = Ticket.objects.get(number=answer.json()["number"])
    assert list(new.messages.all()) == [note]


@pytest.mark.parametrize(
    "body", [{"messages": []}, {"messages": ["x"]}, {"messages": [1] * 501}, {"subject": "x"}]
)
def test_malformed_splits_are_422(agent, ticket, body):
    with nothing_changes():
        answer = api_as(agent).post(f"/tickets/{ticket.number}/split", body)
    assert answer.status_code == 422


def test_links_add_list_remove(agent, ticket, target):
    client = api_as(agent)
    answer = client.post(f"/tickets/{ticket.number}/links", {"ticket": target.number})
    assert answer.status_code == 200, answer.content
    assert [t["number"] for t in answer.json()] == [target.number]
    assert [t["number"] for t in client.get(f"/tickets/{target.number}/links").json()] == [
        ticket.number
    ]
    removed = client.client.delete(f"/api/v1/tickets/{ticket.number}/links/{target.number}")
    assert (removed.status_code, removed.json()) == (200, [])
    missing = client.client.delete(f"/api/v1/tickets/{ticket.number}/links/{target.number}")
    assert missing.status_code == 404


def test_links_refuse_customers_and_other_departments(customer, other_agent, ticket, target):
    with nothing_changes():
        assert api_as(customer).get(f"/tickets/{ticket.number}/links").status_code == 403
        assert api_as(other_agent).get(f"/tickets/{ticket.number}/links").status_code == 404
        answer = api_as(other_agent).post(
            f"/tickets/{ticket.number}/links", {"ticket": target.number}
        )
        assert answer.status_code == 404


def test_a_customer_sees_merged_into_only_when_they_see_the_target(agent, customer, ticket, target):
    api_as(agent).post(f"/tickets/{ticket.number}/merge", {"into": target.number})
    assert api_as(customer).get(f"/tickets/{ticket.number}").json()["merged_into"] is None
