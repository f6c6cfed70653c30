"""Canned responses and macros: placeholders stay text, personal ones stay personal, every
endpoint refuses customers and other departments, and a macro is all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relaydesk.automation import canned, macros
from relaydesk.automation.models import CannedResponse, Macro, MacroAssign
from relaydesk.conftest import HTMX, signed_in
from relaydesk.tickets.models import Message, StatusCategory, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(open_ticket, support):
    return open_ticket(support, subject="Printer on fire")


@pytest.fixture
def shared(admin_user) -> CannedResponse:
    return canned.save_response(
        actor=admin_user,
        response=None,
        title="Greeting",
        body="Hello {{ customer.first_name }}, about #{{ ticket.number }}. {{ agent.name }}",
        language="en",
        shared=True,
    )


@pytest.fixture
def personal(agent) -> CannedResponse:
    return canned.save_response(
        actor=agent, response=None, title="My sign-off", body="Cheers", language="", shared=False
    )


@pytest.fixture
def macro(supervisor) -> Macro:
    return macros.save_macro(
        actor=supervisor,
        macro=None,
        name="Waiting for logs",
        body="Please send logs for #{{ ticket.number }}.",
        internal=False,
        status=StatusCategory.PENDING,
        priority=3,
        add_tags="needs-logs",
        assign=MacroAssign.ME,
        shared=True,
    )


def test_placeholders_are_filled_for_the_ticket(shared, ticket, agent, customer):
    text = canned.render_for(shared, ticket=ticket, actor=agent)
    assert text == (f"Hello {customer.first_name}, about #{ticket.number}. {agent.display_name}")


@pytest.mark.parametrize(
    "hostile",
    [
        "{% load static %}{% debug %}",
        "{{ settings.SECRET_KEY }}",
        "{{ ticket.requester.password }}",
        "{{ ticket.__class__ }}",
        "<script>alert(1)</script>{{ ticket.number",
    ],
)
def test_hostile_text_stays_text(admin_user, agent, ticket, hostile):
    response = canned.save_response(
        actor=admin_user, response=None, title="x", body=hostile, language="", shared=True
    )
    assert canned.render_for(response, ticket=ticket, actor=agent) == hostile


def test_customer_names_are_not_interpreted(admin_user, agent, ticket, customer):
    customer.name = "{{agent.name}} Smith"
    customer.save()
    ticket.refresh_from_db()
    response = canned.save_response(
        actor=admin_user,
        response=None,
        title="x",
        body="Hi {{ customer.first_name }}",
        language="",
        shared=True,
    )
    assert canned.render_for(response, ticket=ticket, actor=agent) == "Hi {{agent.name}}"


def test_personal_responses_are_invisible_to_other_agents(personal, shared, supervisor, agent):
    assert set(canned.visible_responses(agent)) == {personal, shared}
    assert list(canned.visible_responses(supervisor)) == [shared]
    page = signed_in(supervisor).get("/desk/automation/responses/")
    assert "My sign-off" not in page.content.decode()
    assert (
        signed_in(supervisor).get(f"/desk/automation/responses/{personal.pk}/").status_code == 404
    )


def test_search_finds_by_words_and_puts_the_tickets_language_first(admin_user, agent):
    for title, language in [("Refund policy", "ru"), ("Refund policy", "en"), ("Hours", "en")]:
        canned.save_response(
            actor=admin_user, response=None, title=title, body="…", language=language, shared=True
        )
    found = canned.search(agent, "refund", language="ru")
    assert [(r.title, r.language) for r in found] == [
        ("Refund policy", "ru"),
        ("Refund policy", "en"),
    ]
    assert len(canned.search(agent, "REFUND policy")) == 2
    assert canned.search(agent, "refund nothing") == []


def test_agent_keeps_personal_but_not_shared_responses(agent, shared):
    client = signed_in(agent)
    response = client.post(
        "/desk/automation/responses/new/",
        {"title": "Mine", "body": "Thanks!", "language": "ru", "shared": "on"},
    )
    assert response.status_code == 403
    response = client.post(
        "/desk/automation/responses/new/", {"title": "Mine", "body": "Thanks!", "language": "ru"}
    )
    assert response.status_code == 302
    assert CannedResponse.objects.get(title="Mine").owner == agent
    assert (
        client.post(f"/desk/automation/responses/{shared.pk}/", {"title": "x"}).status_code == 403
    )
    assert client.post(f"/desk/automation/responses/{shared.pk}/delete/").status_code == 403
    assert CannedResponse.objects.filter(pk=shared.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "body": "x"},
        {"title": "x" * 121, "body": "x"},
        {"title": "x", "body": ""},
        {"title": "x", "body": "y" * 20001},
        {"title": "x", "body": "y", "language": "xx"},
    ],
)
def test_bad_responses_are_refused_and_change_nothing(agent, data):
    response = signed_in(agent).post("/desk/automation/responses/new/", data)
    assert response.status_code == 422
    assert not CannedResponse.objects.exists()


def test_composer_search_and_insert(agent, ticket, shared, personal):
    client = signed_in(agent)
    results = client.get(f"/desk/automation/tickets/{ticket.number}/responses/?canned=greet")
    assert "Greeting" in results.content.decode()
    assert "My sign-off" not in results.content.decode()
    text = client.get(f"/desk/automation/tickets/{ticket.number}/responses/{shared.pk}/")
    assert text["Content-Type"].startswith("text/plain")
    assert f"#{ticket.number}" in text.content.decode()
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'id="canned-lookup-q"' in page


@pytest.mark.parametrize("who", ["customer", "other_agent"])
def test_customer_and_other_department_are_refused_everywhere(
    request, who, ticket, shared, personal, macro
):
    client = signed_in(request.getfixturevalue(who))
    number = ticket.number
    ticket_urls = [
        f"/desk/automation/tickets/{number}/responses/?canned=greet",
        f"/desk/automation/tickets/{number}/responses/{shared.pk}/",
    ]
    for url in ticket_urls:
        assert client.get(url).status_code in (403, 404), url
    response = client.post(f"/desk/automation/tickets/{number}/macro/", {"macro": macro.pk})
    assert response.status_code in (403, 404)
    assert client.get(f"/desk/automation/responses/{personal.pk}/").status_code in (403, 404)
    assert client.post(f"/desk/automation/responses/{personal.pk}/delete/").status_code in (
        403,
        404,
    )
    # Agents keep personal macros, so the list is theirs to see; a shared one is not theirs
    # to change.
    assert client.get("/desk/automation/macros/").status_code == (403 if who == "customer" else 200)
    assert client.post(f"/desk/automation/macros/{macro.pk}/", {"name": "x"}).status_code == 403
    if who == "customer":
        assert client.get("/desk/automation/responses/").status_code == 403
    assert not Message.objects.filter(ticket=ticket, body_text__contains="logs").exists()
    assert CannedResponse.objects.count() == 2
    assert Macro.objects.get().name == "Waiting for logs"


def test_macro_replies_and_changes_fields_in_one_action(agent, ticket, macro):
    response = signed_in(agent).post(
        f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": macro.pk}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/desk/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("pending", 3, agent)
    assert list(ticket.tags.values_list("name", flat=True)) == ["needs-logs"]
    reply = ticket.messages.get(kind="reply")
    assert reply.body_text == f"Please send logs for #{ticket.number}."
    fields = set(TicketEvent.objects.filter(ticket=ticket).values_list("field", flat=True))
    assert {"reply", "status", "priority", "assignee"} <= fields


def test_readonly_agent_cannot_apply_a_macro(readonly_agent, ticket, macro):
    response = signed_in(readonly_agent).post(
        f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": macro.pk}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        macros.apply_macro(macro, ticket=ticket, actor=readonly_agent)
    ticket.refresh_from_db()
    assert ticket.status == StatusCategory.NEW
    assert not ticket.messages.filter(kind="reply").exists()


def test_macro_rolls_back_whole_when_a_change_fails(agent, ticket, macro):
    from relaydesk.tickets import services

    services.update_ticket(ticket, actor=agent, tags=[f"t{i}" for i in range(20)])
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(ValidationError):
        macros.apply_macro(macro, ticket=ticket, actor=agent)  # a 21st tag is refused
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("new", 2, None)
    assert not ticket.messages.filter(kind="reply").exists()
    assert TicketEvent.objects.filter(ticket=ticket).count() == events_before
    page = signed_in(agent).post(
        f"/desk/automation/tickets/{ticket.number}/macro/", {"macro": macro.pk}, follow=True
    )
    assert "At most 20 tags" in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "body": "x"},
        {"name": "x", "status": "lost"},
        {"name": "x", "priority": "9"},
        {"name": "x", "add_tags": "y" * 51},
    ],
)
def test_bad_macros_are_refused_and_change_nothing(supervisor, data):
    response = signed_in(supervisor).post("/desk/automation/macros/new/", data)
    assert response.status_code == 422
    assert not Macro.objects.exists()


def test_supervisor_keeps_macros_in_the_desk(supervisor):
    client = signed_in(supervisor)
    response = client.post(
        "/desk/automation/macros/new/",
        {
            "name": "Close as solved",
            "body": "Solved!",
            "status": "solved",
            "add_tags": "Done, done",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.status, macro.add_tags, macro.priority) == ("solved", "done", None)
    assert "Close as solved" in client.get("/desk/automation/macros/").content.decode()
    assert client.post(f"/desk/automation/macros/{macro.pk}/delete/").status_code == 302
    assert not Macro.objects.exists()
