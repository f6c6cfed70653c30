"""Countdowns and colours in the desk list and ticket page, sorting and filtering by SLA state
(SL3), and the SLA report (SL4)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from relaydesk.conftest import signed_in
from relaydesk.mail.spam import mark_spam
from relaydesk.sla import engine
from relaydesk.sla.models import Kind, Record
from relaydesk.sla.tests.conftest import backdate
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Priority, Ticket

H = dt.timedelta(hours=1)


def open_ticket(customer, support, subject: str, age: dt.timedelta) -> Ticket:
    ticket = services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("help"),
        channel=Channel.EMAIL,
        department=support,
    )
    if age:
        backdate(ticket, age)
        engine.recompute(ticket)
    return ticket


@pytest.fixture
def three(policy, customer, support):
    """Breached (90 min old, first response due at 60), at risk (50 min), on track (new)."""
    return {
        "breached": open_ticket(customer, support, "Late", 90 * dt.timedelta(minutes=1)),
        "at_risk": open_ticket(customer, support, "Close", 50 * dt.timedelta(minutes=1)),
        "on_track": open_ticket(customer, support, "Fresh", dt.timedelta()),
    }


def subjects(response) -> list[str]:
    return re.findall(
        r'class="subject-link" dir="auto" href="[^"]+" hx-boost="false">([^<]+)<',
        response.content.decode(),
    )


def test_the_list_shows_each_ticket_in_its_colour_with_a_countdown(three, agent):
    html = signed_in(agent).get("/desk/").content.decode()
    assert html.count('class="sla sla-breached"') == 1
    assert html.count('class="sla sla-at_risk"') == 1
    assert html.count('class="sla sla-on_track"') == 1
    assert re.search(r'sla-breached".*?<time datetime="[^"]+">−\d+m</time>', html)
    assert re.search(r'sla-on_track".*?<time datetime="[^"]+">\d+m</time>', html)


@pytest.mark.parametrize("state", ["breached", "at_risk", "on_track"])
def test_the_list_filters_by_sla_state(three, agent, state):
    response = signed_in(agent).get("/desk/", {"sla": state})
    assert subjects(response) == [three[state].subject]


def test_the_list_sorts_by_the_next_due_time(three, agent, customer, support):
    services.create_ticket(
        actor=customer,
        requester=customer,
        subject="No promise",
        body=services.Body("x"),
        channel=Channel.EMAIL,
        department=support,
        priority=Priority.LOW,
    )
    client = signed_in(agent)
    assert subjects(client.get("/desk/", {"sort": "due"})) == [
        "Late",
        "Close",
        "Fresh",
        "No promise",
    ]
    assert subjects(client.get("/desk/", {"sort": "-due"})) == [
        "No promise",
        "Fresh",
        "Close",
        "Late",
    ]


def test_an_unknown_sla_state_is_reported_and_ignored(three, agent):
    response = signed_in(agent).get("/desk/", {"sla": "<script>"})
    assert response.status_code == 200
    assert len(subjects(response)) == 3
    assert "&lt;script&gt;" in response.content.decode()


def test_the_ticket_page_shows_the_policy_and_every_due_time(three, agent):
    ticket = three["at_risk"]
    html = signed_in(agent).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Service level" in html
    assert "Standard" in html
    assert 'class="sla sla-at_risk"' in html
    assert "First response" in html
    assert "Resolution" in html


def test_a_paused_ticket_says_so(policy, ticket, agent):
    services.add_message(ticket, actor=agent, body=services.Body("Photo?"), status="pending")
    html = signed_in(agent).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'class="sla sla-paused"' in html


# The report ---------------------------------------------------------------------------------


def test_the_report_counts_achieved_breached_and_running_per_target(three, agent):
    services.add_message(three["on_track"], actor=agent, body=services.Body("Hi"))
    response = signed_in(agent).get("/desk/sla/report/", {"group": "kind"})
    rows = dict(
        re.findall(
            r'<th scope="row" dir="auto">([^<]+)</th>\s*<td class="num">(\d+)</td>',
            response.content.decode(),
        )
    )
    assert rows == {"First response": "3", "Resolution": "3"}
    html = response.content.decode()
    # first response: 1 achieved, 1 breached, 1 running; resolution: 3 running.
    assert re.search(
        r"First response</th>\s*<td class=\"num\">3</td><td class=\"num\">1</td>\s*"
        r"<td class=\"num breached\">1</td><td class=\"num\">1</td>",
        html,
    )


@pytest.mark.parametrize("group", ["policy", "department", "agent", "week", "month"])
def test_the_report_groups_by_each_dimension(three, agent, group):
    response = signed_in(agent).get("/desk/sla/report/", {"group": group})
    assert response.status_code == 200
    assert re.search(
        r'<tfoot><tr>\s*<th scope="row">Total</th>\s*<td class="num">6</td>',
        response.content.decode(),
    )


def test_the_report_leaves_out_tickets_an_agent_may_not_see(three, other_agent):
    response = signed_in(other_agent).get("/desk/sla/report/")
    assert "No SLA targets in this period" in response.content.decode()


def test_the_report_leaves_out_merged_tickets(three, agent):
    Ticket.objects.filter(pk=three["breached"].pk).update(merged_into=three["on_track"])
    response = signed_in(agent).get("/desk/sla/report/")
    assert re.search(r'<td class="num">4</td>', response.content.decode())


def test_customers_are_refused_the_report(three, customer):
    assert signed_in(customer).get("/desk/sla/report/").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13-45"},
        {"group": "password"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": "1900-01-01", "end": "2026-01-01"},
        {"start": "x" * 5000},
    ],
)
def test_bad_report_parameters_get_a_clear_error(three, agent, query):
    response = signed_in(agent).get("/desk/sla/report/", query)
    assert response.status_code == 400
    assert 'class="alert alert-error"' in response.content.decode()


def test_records_survive_a_rebuild(three):
    breached = Record.objects.get(ticket=three["breached"], kind=Kind.FIRST_RESPONSE)
    assert breached.breached_at == breached.due_at


def report_rows(client, group: str) -> dict[str, tuple[int, ...]]:
    """label → (targets, achieved, breached, running)."""
    html = client.get("/desk/sla/report/", {"group": group}).content.decode()
    found = re.findall(
        r'<th scope="row" dir="auto">([^<]+)</th>\s*<td class="num">(\d+)</td>'
        r'<td class="num">(\d+)</td>\s*<td class="num[^"]*">(\d+)</td><td class="num">(\d+)</td>',
        html,
    )
    return {label: tuple(int(n) for n in numbers) for label, *numbers in found}


def test_a_breach_counts_for_the_agent_who_had_the_ticket_then(policy, ticket, agent, supervisor):
    services.update_ticket(ticket, actor=agent, assignee=agent)
    backdate(ticket, 90 * dt.timedelta(minutes=1))
    engine.recompute(ticket)  # the first response (60 min) breached while Alice had it
    services.update_ticket(ticket, actor=supervisor, assignee=supervisor)
    client = signed_in(supervisor)
    expected = {"Alice Agent": (1, 0, 1, 0), "Sam Supervisor": (1, 0, 0, 1)}
    assert report_rows(client, "agent") == expected
    # The records are rebuilt from the history: the breach stays Alice's.
    engine.recompute_all(Ticket.objects.all())
    assert report_rows(client, "agent") == expected
    assert Record.objects.get(kind=Kind.FIRST_RESPONSE).agent == agent


def test_an_achieved_target_counts_for_the_agent_who_met_it(policy, ticket, agent, supervisor):
    services.update_ticket(ticket, actor=agent, assignee=agent)
    services.add_message(ticket, actor=agent, body=services.Body("On it"))
    services.update_ticket(ticket, actor=supervisor, assignee=supervisor)
    rows = report_rows(signed_in(supervisor), "agent")
    assert rows == {"Alice Agent": (1, 1, 0, 0), "Sam Supervisor": (1, 0, 0, 1)}


def test_targets_breached_while_unassigned_say_so(three, agent):
    assert report_rows(signed_in(agent), "agent") == {"(unassigned)": (6, 0, 1, 5)}


def test_the_report_leaves_out_spam(three, agent):
    mark_spam(three["breached"], actor=agent)
    assert report_rows(signed_in(agent), "kind") == {
        "First response": (2, 0, 0, 2),
        "Resolution": (2, 0, 0, 2),
    }
