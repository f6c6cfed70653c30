"""The list's (and so saved views') filters on type, category, organization and dates."""

import datetime as dt

import pytest
from django.utils import timezone

from relaydesk.accounts.models import Organization
from relaydesk.desk import listing
from relaydesk.savedviews import services as saved
from relaydesk.tickets import services
from relaydesk.tickets.models import Category, Channel, Ticket, TicketType

pytestmark = pytest.mark.django_db


def make(customer, support, subject, *, days_ago=0, **fields):
    ticket = services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("help"),
        channel=Channel.EMAIL,
        department=support,
    )
    moment = timezone.now() - dt.timedelta(days=days_ago)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment, updated_at=moment, **fields)
    return ticket


@pytest.fixture
def world(customer, other_customer, support):
    question = TicketType.objects.create(name="Question")
    billing = Category.objects.create(name="Billing")
    refunds = Category.objects.create(name="Refunds", parent=billing)
    return {
        "question": question,
        "billing": billing,
        "fresh": make(customer, support, "Fresh", type=question, category=refunds),
        "week": make(customer, support, "Week old", days_ago=8, category=billing),
        "old": make(other_customer, support, "Old one", days_ago=40),
    }


def subjects(user, **params):
    params.setdefault("group", "active")
    return sorted(t.subject for t in listing.tickets_for(user, params))


def test_type_category_with_children_and_organization(agent, world, acme):
    assert subjects(agent, type=world["question"].pk) == ["Fresh"]
    assert subjects(agent, category=world["billing"].pk) == ["Fresh", "Week old"]
    assert subjects(agent, organization=acme.pk) == ["Fresh", "Week old"]


def test_relative_periods_move_with_the_clock(agent, world):
    assert subjects(agent, created="last_7") == ["Fresh"]
    assert subjects(agent, created="last_30") == ["Fresh", "Week old"]
    assert subjects(agent, updated="over_7") == ["Old one", "Week old"]
    assert subjects(agent, updated="over_30") == ["Old one"]


def test_absolute_ranges_include_both_days(agent, world):
    today = timezone.localdate()
    week = (today - dt.timedelta(days=8)).isoformat()
    assert subjects(agent, created_from=week, created_to=week) == ["Week old"]
    assert subjects(agent, updated_from=week) == ["Fresh", "Week old"]
    assert subjects(agent, created_to=(today - dt.timedelta(days=30)).isoformat()) == ["Old one"]


def test_a_saved_view_keeps_a_relative_period_relative(agent, world):
    view = saved.create_view(
        actor=agent, name="Stale", filters={"group": "active", "updated": "over_30"}
    )
    assert view.filters["updated"] == "over_30"
    assert saved.view_counts(agent, [view])[view.pk] == (1, False)
    Ticket.objects.filter(pk=world["week"].pk).update(
        updated_at=timezone.now() - dt.timedelta(days=31)
    )
    assert saved.view_counts(agent, [view])[view.pk] == (2, False)


@pytest.mark.parametrize(
    "bad",
    [
        {"created": "last_99999999999999"},
        {"created": "since_7"},
        {"updated_from": "yesterday"},
        {"created_from": "2026-05-02", "created_to": "2026-05-01"},
        {"type": "9999"},
        {"category": "x" * 300},
        {"organization": "-1"},
    ],
)
def test_bad_filters_are_refused_by_saved_views_and_ignored_by_the_list(
    agent, world, as_agent, bad
):
    with pytest.raises(saved.ValidationError):
        saved.create_view(actor=agent, name="Bad", filters=bad)
    response = as_agent.get("/desk/", {"group": "active", **bad})
    assert response.status_code == 200
    assert "Some filters were not understood" in response.text


def test_the_list_page_shows_and_applies_the_more_filters(as_agent, world):
    response = as_agent.get("/desk/", {"group": "active", "created": "last_7"})
    assert "Fresh" in response.text
    assert "Week old" not in response.text
    assert '<details class="more-filters" open>' in response.text


def test_another_department_and_customers_get_nothing_through_the_new_filters(
    other_agent, as_customer, world, acme
):
    assert subjects(other_agent, organization=acme.pk, created="last_30") == []
    assert as_customer.get("/desk/", {"organization": acme.pk}).status_code == 403


def test_organization_filter_ignores_other_organizations(agent, world):
    elsewhere = Organization.objects.create(name="Elsewhere")
    assert subjects(agent, organization=elsewhere.pk) == []
