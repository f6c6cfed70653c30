"""The satisfaction report in the desk: averages and spread per month, department and agent,
the comments, only over tickets the viewer can see."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relaydesk.conftest import signed_in
from relaydesk.portal import satisfaction_report as report
from relaydesk.portal.models import SatisfactionRating, Scale
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel

pytestmark = pytest.mark.django_db

URL = reverse("satisfaction:report")


def rated(requester, department, score, comment="", *, assignee=None, scale=Scale.FIVE):
    ticket = services.create_ticket(
        actor=requester,
        requester=requester,
        subject=f"Rated {score}",
        body=services.Body("Help"),
        channel=Channel.PORTAL,
        department=department,
    )
    if assignee is not None:
        services.update_ticket(ticket, actor=assignee, assignee=assignee)
    SatisfactionRating.objects.create(
        ticket=ticket, requester=requester, score=score, scale=scale, comment=comment
    )
    return ticket


@pytest.fixture
def ratings(customer, support, sales, agent, other_agent):
    rated(customer, support, 5, "Great <b>help</b>", assignee=agent)
    rated(customer, support, 4, assignee=agent)
    rated(customer, support, 1, "Too slow", scale=Scale.GOOD_BAD)
    rated(customer, sales, 2, "Sales secret complaint", assignee=other_agent)


def test_rows_average_and_spread_per_department(admin_user, ratings):
    today = timezone.localdate()
    table = report.rows(admin_user, group="department", start=today, end=today)
    assert [(r.label, r.count, r.average, r.spread) for r in table] == [
        ("Sales", 1, 2.0, (0, 1, 0, 0, 0)),
        ("Support", 3, 3.33, (1, 0, 0, 1, 1)),
    ]
    everything = report.total(admin_user, start=today, end=today)
    assert (everything.count, everything.average, everything.satisfied) == (4, 3.0, 50.0)


def test_agent_sees_only_ratings_of_tickets_they_see(agent, ratings):
    today = timezone.localdate()
    table = report.rows(agent, group="agent", start=today, end=today)
    assert sorted((r.label, r.count) for r in table) == [("(none)", 1), ("Alice Agent", 2)]
    assert report.total(agent, start=today, end=today).count == 3
    comments = [r.comment for r in report.comments(agent, start=today, end=today)]
    assert "Sales secret complaint" not in comments


def test_page_shows_table_and_comments_escaped(as_agent, ratings):
    page = as_agent.get(URL, {"group": "department"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Support" in text
    assert "Great &lt;b&gt;help&lt;/b&gt;" in text
    assert "Too slow" in text
    assert "Sales secret complaint" not in text
    assert ">Sales<" not in text


def test_period_outside_the_ratings_is_empty(as_agent, ratings):
    long_ago = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    page = as_agent.get(URL, {"start": long_ago, "end": long_ago}).content.decode()
    assert "No ratings in this period" in page


@pytest.mark.parametrize(
    "params",
    [
        {"group": "salary"},
        {"start": "yesterday"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": "2000-01-01", "end": "2026-01-01"},
        {"group": "<script>alert(1)</script>"},
    ],
)
def test_bad_filters_get_a_clear_error(as_agent, ratings, params):
    page = as_agent.get(URL, params)
    assert page.status_code == 400
    assert "alert-error" in page.content.decode()
    assert "<script>alert(1)" not in page.content.decode()


def test_customers_and_visitors_are_refused(as_customer, ratings):
    assert as_customer.get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_agent_of_another_department_sees_only_theirs(as_other_agent, ratings):
    text = as_other_agent.get(URL, {"group": "department"}).content.decode()
    assert "Sales secret complaint" in text
    assert "Great &lt;b&gt;help" not in text


def test_week_and_month_groups(admin_user, ratings):
    client = signed_in(admin_user)
    for group in ("week", "month", "agent"):
        assert client.get(URL, {"group": group}).status_code == 200
