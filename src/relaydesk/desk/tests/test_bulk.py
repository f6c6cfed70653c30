import pytest

from relaydesk.conftest import signed_in
from relaydesk.tickets import services
from relaydesk.tickets.bulk import bulk_update
from relaydesk.tickets.models import Channel, Priority, Ticket


def _ticket(customer, department, subject, tags=()):
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("help"),
        channel=Channel.EMAIL,
        department=department,
        tags=list(tags),
    )


@pytest.fixture
def support_tickets(customer, support):
    return [_ticket(customer, support, f"Support {i}", tags=["old"]) for i in range(3)]


@pytest.fixture
def sales_ticket(customer, sales):
    return _ticket(customer, sales, "Sales")


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_bulk_change_goes_through_the_service_with_history(as_agent, agent, support_tickets):
    numbers = [t.number for t in support_tickets]
    response = as_agent.post(
        "/desk/bulk/",
        {
            "ticket": numbers,
            "status": "pending",
            "priority": str(Priority.HIGH),
            "assignee": str(agent.pk),
            "add_tag": "Billing",
            "remove_tag": "old",
            "next": "/desk/?group=waiting",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/?group=waiting"
    for ticket in support_tickets:
        ticket = fresh(ticket)
        assert (ticket.status, ticket.priority, ticket.assignee) == ("pending", 3, agent)
        assert list(ticket.tags.values_list("name", flat=True)) == ["billing"]
        fields = set(ticket.events.filter(actor=agent).values_list("field", flat=True))
        assert {"priority", "assignee"} <= fields
    assert "3 tickets changed." in as_agent.get("/desk/").text


def test_bulk_reports_refused_tickets_and_changes_the_rest(
    as_agent, agent, support_tickets, sales_ticket
):
    numbers = [support_tickets[0].number, sales_ticket.number, 999_999]
    result = bulk_update(actor=agent, numbers=numbers, changes={"priority": Priority.URGENT})
    assert result.changed == [support_tickets[0].number]
    assert set(result.refused) == {sales_ticket.number, 999_999}
    assert fresh(sales_ticket).priority == Priority.NORMAL


def test_bulk_reports_unchanged_tickets_apart(agent, support_tickets):
    ticket = support_tickets[0]
    services.update_ticket(ticket, actor=agent, priority=Priority.HIGH)
    numbers = [t.number for t in support_tickets[:2]]
    result = bulk_update(actor=agent, numbers=numbers, changes={"priority": Priority.HIGH})
    assert result.unchanged == [ticket.number]
    assert result.changed == [numbers[1]]


def test_read_only_agent_is_refused_per_ticket(readonly_agent, support_tickets):
    client = signed_in(readonly_agent)
    numbers = [t.number for t in support_tickets]
    client.post("/desk/bulk/", {"ticket": numbers, "priority": str(Priority.URGENT)})
    assert all(fresh(t).priority == Priority.NORMAL for t in support_tickets)
    page = client.get("/desk/").text
    assert "0 tickets changed." in page
    assert "You may not change this ticket." in page


def test_agent_of_another_department_cannot_touch_or_probe_tickets(other_agent, support_tickets):
    result = bulk_update(
        actor=other_agent,
        numbers=[t.number for t in support_tickets],
        changes={"status": "closed"},
    )
    assert result.changed == []
    assert set(result.refused.values()) == {"No such ticket."}
    assert all(fresh(t).status != "closed" for t in support_tickets)


def test_assignee_outside_the_department_is_refused(agent, other_agent, support_tickets):
    result = bulk_update(
        actor=agent, numbers=[support_tickets[0].number], changes={"assignee": other_agent}
    )
    assert list(result.refused) == [support_tickets[0].number]
    assert fresh(support_tickets[0]).assignee is None


def test_customer_is_refused(as_customer, support_tickets):
    response = as_customer.post(
        "/desk/bulk/", {"ticket": [support_tickets[0].number], "priority": "4"}
    )
    assert response.status_code == 403
    assert fresh(support_tickets[0]).priority == Priority.NORMAL


@pytest.mark.parametrize(
    "data",
    [
        {"priority": "4"},  # nothing ticked
        {"ticket": ["1"]},  # nothing to change
        {"ticket": ["abc"], "priority": "4"},
        {"ticket": [str(n) for n in range(501)], "priority": "4"},
        {"ticket": ["1"], "priority": "99"},
        {"ticket": ["1"], "status": "deleted"},
        {"ticket": ["1"], "assignee": "999999"},
        {"ticket": ["1"], "add_tag": "x" * 51},
    ],
)
def test_bad_bulk_input_is_refused_and_changes_nothing(as_agent, support_tickets, data):
    if data.get("ticket") == ["1"]:
        data = {**data, "ticket": [str(support_tickets[0].number)]}
    response = as_agent.post("/desk/bulk/", data)
    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    ticket = fresh(support_tickets[0])
    assert ticket.priority == Priority.NORMAL
    assert ticket.status == "new"
    assert "flash-error" in as_agent.get("/desk/").text


def test_bulk_never_redirects_off_site(as_agent, support_tickets):
    data = {"ticket": [support_tickets[0].number], "priority": "4", "next": "https://evil.example/"}
    assert as_agent.post("/desk/bulk/", data)["Location"] == "/desk/"


def test_list_rows_have_checkboxes_for_the_bulk_bar(as_agent, support_tickets):
    page = as_agent.get("/desk/").text
    assert 'form="bulk" name="ticket"' in page
    assert 'action="/desk/bulk/"' in page


def test_bulk_is_post_only(as_agent):
    assert as_agent.get("/desk/bulk/").status_code == 405
