"""Bulk changes over "all N matching" (TK14): a job in batches, each ticket through the
service with its history, tickets the agent may not change skipped and reported."""

import pytest

from relaydesk.accounts.models import Access, Membership
from relaydesk.conftest import signed_in
from relaydesk.desk import bulkjobs
from relaydesk.desk.models import BulkJob, BulkJobState
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Priority, Ticket

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _ticket(customer, department, subject):
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("help"),
        channel=Channel.EMAIL,
        department=department,
    )


@pytest.fixture
def world(customer, support, sales, agent, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(bulkjobs, "BATCH", 2)  # several batches from a handful of tickets
    Membership.objects.create(user=agent, department=sales, access=Access.READ)
    return {
        "support": [_ticket(customer, support, f"Support {n}") for n in range(5)],
        "sales": [_ticket(customer, sales, f"Sales {n}") for n in range(2)],
    }


def post_matching(client, query, **changes):
    return client.post(
        "/desk/bulk/", {"matching": "1", "query": query, "next": "/desk/", **changes}
    )


def test_all_matching_changes_every_ticket_in_batches_and_reports_refusals(
    as_agent, agent, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_matching(
            as_agent, "group=active", priority=str(Priority.URGENT), add_tag="sweep"
        )
    job = BulkJob.objects.get()
    assert response["Location"] == f"/desk/bulk/{job.pk}/"
    assert job.state == BulkJobState.DONE
    assert (job.total, job.done, job.changed, job.refused_count) == (7, 7, 5, 2)
    assert set(job.refused) == {str(t.number) for t in world["sales"]}
    for ticket in world["support"]:
        ticket = Ticket.objects.get(pk=ticket.pk)
        assert ticket.priority == Priority.URGENT
        assert list(ticket.tags.values_list("name", flat=True)) == ["sweep"]
        assert ticket.events.filter(actor=agent, field="priority").exists()
    assert not Ticket.objects.filter(department__name="Sales", priority=Priority.URGENT).exists()
    page = as_agent.get(f"/desk/bulk/{job.pk}/").text
    assert "5 tickets changed." in page
    assert f"#{world['sales'][0].number}" in page


def test_the_filters_limit_the_job(as_agent, world, support, django_capture_on_commit_callbacks):
    first = world["support"][0]
    with django_capture_on_commit_callbacks(execute=True):
        post_matching(
            as_agent,
            f"group=active&requester={first.requester.email}&department={support.pk}",
            status="pending",
        )
    job = BulkJob.objects.get()
    assert (job.total, job.changed) == (5, 5)
    assert Ticket.objects.filter(status="pending").count() == 5


def test_an_agent_of_another_department_changes_nothing_they_cannot_see(
    other_agent, world, django_capture_on_commit_callbacks
):
    client = signed_in(other_agent)
    with django_capture_on_commit_callbacks(execute=True):
        post_matching(client, "group=active&department=", priority=str(Priority.LOW))
    job = BulkJob.objects.get()
    assert job.changed == 2  # their own Sales tickets only
    assert not Ticket.objects.filter(department__name="Support", priority=Priority.LOW).exists()


def test_customers_and_other_agents_are_refused(as_agent, as_customer, other_agent, world):
    assert post_matching(as_customer, "group=active", priority="4").status_code == 403
    assert not BulkJob.objects.exists()
    post_matching(as_agent, "group=active", priority="4")
    job = BulkJob.objects.get()
    assert as_customer.get(f"/desk/bulk/{job.pk}/").status_code == 403
    assert signed_in(other_agent).get(f"/desk/bulk/{job.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("query", "changes"),
    [
        ("group=active&priority=99", {"priority": "4"}),  # a filter that does not hold
        ("group=active&department=x", {"priority": "4"}),
        ("x=" + "y" * 5000, {"priority": "4"}),  # oversized
        ("group=active", {}),  # nothing to change
        ("group=active", {"assignee": "999999"}),  # no such agent
    ],
)
def test_bad_bulk_requests_are_refused_and_start_nothing(as_agent, world, query, changes):
    response = post_matching(as_agent, query, **changes)
    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    assert not BulkJob.objects.exists()


def test_a_job_whose_agent_is_gone_fails_with_the_reason(agent, world, other_agent):
    job = bulkjobs.start(actor=agent, query={"group": "active"}, spec={"assignee": other_agent.pk})
    other_agent.is_active = False
    other_agent.save()
    bulkjobs.run_bulk_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == BulkJobState.FAILED
    assert job.error
    assert job.changed == 0


def test_the_list_offers_all_matching_only_beyond_one_page(as_agent, world, settings):
    settings.TICKET_LIST_PAGE_SIZE = 3
    assert "All 7 matching tickets" in as_agent.get("/desk/?group=active").text
    settings.TICKET_LIST_PAGE_SIZE = 50
    assert 'name="matching"' not in as_agent.get("/desk/?group=active").text
