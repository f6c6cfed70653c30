import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Priority


@pytest.fixture
def many_tickets(customer, support, agent):
    tickets = []
    for i in range(25):
        ticket = services.create_ticket(
            actor=customer,
            requester=customer,
            subject=f"Case {i:02d}",
            body=services.Body("help"),
            channel=Channel.EMAIL,
            department=support,
            priority=Priority.HIGH if i % 5 == 0 else Priority.NORMAL,
            tags=["odd"] if i % 2 else ["even", "x"],
        )
        if i % 3 == 0:
            services.update_ticket(ticket, actor=agent, assignee=agent)
        tickets.append(ticket)
    return tickets


def numbers(response):
    return [
        int(n)
        for n in re.findall(
            r'class="col-number"><a href="/desk/tickets/(\d+)/"', response.content.decode()
        )
    ]


def cursor(response, rel):
    match = re.search(rf'rel="{rel}" href="\?([^"]+)"', response.content.decode())
    return match and match.group(1).replace("&amp;", "&")


def test_list_query_count_does_not_grow_with_page_size(as_agent, many_tickets, settings):
    counts = {}
    as_agent.get("/desk/?group=active")  # the process's first page reads the selects' lists
    for size in (10, 20):  # both with a next page: "all N matching" is counted on each
        settings.TICKET_LIST_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as queries:
            response = as_agent.get("/desk/?group=active")
        assert len(numbers(response)) == size
        counts[size] = len(queries)
    assert counts[10] == counts[20]


def test_each_row_shows_its_own_tags_in_name_order(as_agent, many_tickets):
    html = as_agent.get("/desk/?sort=number").content.decode()
    rows = re.findall(r'<tr class="priority-row-.*?</tr>', html, re.S)
    shown = [re.findall(r'<span class="tag">([^<]*)</span>', row) for row in rows]
    assert shown == [["odd"] if i % 2 else ["even", "x"] for i in range(25)]


def test_keyset_pagination_walks_forward_and_back(as_agent, many_tickets, settings):
    settings.TICKET_LIST_PAGE_SIZE = 10
    first = as_agent.get("/desk/?sort=number")
    assert cursor(first, "prev") is None
    second = as_agent.get("/desk/?" + cursor(first, "next"))
    third = as_agent.get("/desk/?" + cursor(second, "next"))
    assert cursor(third, "next") is None
    seen = numbers(first) + numbers(second) + numbers(third)
    assert seen == sorted(t.number for t in many_tickets)
    back = as_agent.get("/desk/?" + cursor(second, "prev"))
    assert numbers(back) == numbers(first)


def test_descending_default_sort_is_newest_activity_first(as_agent, many_tickets):
    shown = numbers(as_agent.get("/desk/"))
    assert shown[0] == many_tickets[-1].number


def test_forged_cursor_falls_back_to_the_first_page(as_agent, many_tickets, settings):
    settings.TICKET_LIST_PAGE_SIZE = 10
    response = as_agent.get("/desk/?sort=number&after=forged:cursor")
    assert response.status_code == 200
    assert numbers(response) == sorted(t.number for t in many_tickets)[:10]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("priority=3", 5),
        ("tag=odd", 12),
        ("tag=even", 13),
        ("queue=mine", 9),
        ("queue=unassigned", 16),
        ("requester=CAROL@acme.test", 25),
        ("requester=x@y.z", 0),
        ("channel=phone", 0),
        ("status=new", 16),
    ],
)
def test_filters_narrow_the_list(as_agent, many_tickets, query, expected):
    assert len(numbers(as_agent.get(f"/desk/?{query}"))) == expected


def test_invalid_filter_is_reported_and_ignored(as_agent, many_tickets):
    response = as_agent.get("/desk/?priority=99&status=exploded")
    page = response.content.decode()
    assert response.status_code == 200
    assert "were not understood" in page
    assert len(numbers(response)) == 25


def test_other_departments_tickets_are_not_listed(as_other_agent, many_tickets):
    response = as_other_agent.get("/desk/")
    assert numbers(response) == []
    assert "Nothing here" in response.content.decode()


def test_sidebar_counts_the_groups(as_agent, many_tickets):
    page = as_agent.get("/desk/").content.decode()
    counts = re.findall(r'<span class="count">(\d+)</span>', page)
    # active, waiting, closed, archived; then mine and unassigned
    assert counts == ["25", "0", "0", "0", "9", "16"]


def test_htmx_filter_request_gets_only_the_results(as_agent, many_tickets):
    response = as_agent.get("/desk/?tag=odd", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "sidebar" not in page


def test_sorting_by_subject(as_agent, many_tickets):
    response = as_agent.get("/desk/?sort=subject")
    assert numbers(response)[0] == many_tickets[0].number
