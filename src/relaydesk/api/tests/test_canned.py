"""Canned responses and macros through the API: whose responses are seen and kept, rendering
for a ticket, applying a macro all or nothing."""

from contextlib import contextmanager

import pytest

from relaydesk.api.models import Scope
from relaydesk.api.tests.conftest import api_as
from relaydesk.automation import canned, macros
from relaydesk.automation.models import CannedResponse, Macro, MacroAssign
from relaydesk.tickets.models import MessageKind
from relaydesk.tickets.tests.helpers import nothing_changes


@contextmanager
def responses_unchanged():
    before = list(CannedResponse.objects.order_by("pk").values())
    yield
    assert list(CannedResponse.objects.order_by("pk").values()) == before


@pytest.fixture
def kept(admin_user, agent, other_agent):
    def save(actor, title, shared=False, language=""):
        return canned.save_response(
            actor=actor,
            response=None,
            title=title,
            body=f"{title} for {{{{ ticket.number }}}}.",
            language=language,
            shared=shared,
        )

    return {
        "shared": save(admin_user, "Thanks", shared=True),
        "mine": save(agent, "Printer tips"),
        "theirs": save(other_agent, "Sales pitch"),
    }


@pytest.fixture
def macro(admin_user):
    return macros.save_macro(
        actor=admin_user,
        macro=None,
        name="Close as fixed",
        body="Fixed in {{ ticket.number }}.",
        internal=False,
        status="solved",
        priority=3,
        add_tags="fixed",
        assign=MacroAssign.ME,
        shared=True,
    )


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(r["title"] for r in response.json()["items"])


def test_agents_see_shared_and_their_own(agent, other_agent, kept):
    assert titles(api_as(agent).get("/canned-responses")) == ["Printer tips", "Thanks"]
    assert titles(api_as(other_agent).get("/canned-responses")) == ["Sales pitch", "Thanks"]
    assert titles(api_as(agent).get("/canned-responses?q=printer")) == ["Printer tips"]
    assert api_as(agent).get(f"/canned-responses/{kept['theirs'].pk}").status_code == 404
    assert api_as(agent).get(f"/canned-responses/{kept['mine'].pk}").json()["shared"] is False


def test_customers_get_nothing(customer, kept, ticket):
    api = api_as(customer)
    assert api.get("/canned-responses").status_code == 403
    assert api.get(f"/canned-responses/{kept['shared'].pk}").status_code == 403
    assert api.get("/macros").status_code == 403
    with responses_unchanged():
        assert api.post("/canned-responses", {"title": "T", "body": "B"}).status_code == 403


def test_rendered_for_a_ticket(agent, other_agent, kept, ticket):
    path = f"/tickets/{ticket.number}/canned-responses/{kept['shared'].pk}"
    rendered = api_as(agent).get(path)
    assert rendered.status_code == 200, rendered.content
    assert rendered.json()["text"] == f"Thanks for {ticket.number}."
    assert api_as(other_agent).get(path).status_code == 404  # the ticket is not theirs to see
    mine = f"/tickets/{ticket.number}/canned-responses/{kept['theirs'].pk}"
    assert api_as(agent).get(mine).status_code == 404


def test_agent_keeps_personal_responses(agent, kept):
    api = api_as(agent)
    made = api.post("/canned-responses", {"title": " New  one ", "body": "Hi", "language": "ru"})
    assert made.status_code == 201, made.content
    assert (made.json()["title"], made.json()["shared"]) == ("New one", False)
    number = made.json()["id"]
    with responses_unchanged():
        assert api.patch(f"/canned-responses/{number}", {"body": "Hello"}).status_code == 428
    changed = api.patch(
        f"/canned-responses/{number}", {"body": "Hello"}, HTTP_IF_MATCH=made["ETag"]
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["body"], changed.json()["language"]) == ("Hello", "ru")
    with responses_unchanged():
        stale = api.patch(f"/canned-responses/{number}", {"body": "X"}, HTTP_IF_MATCH=made["ETag"])
    assert stale.status_code == 412
    assert api.delete(f"/canned-responses/{number}").status_code == 204
    assert not CannedResponse.objects.filter(pk=number).exists()


def test_shared_responses_are_kept_by_admins_and_supervisors(agent, supervisor, kept):
    shared = kept["shared"].pk
    with responses_unchanged():
        assert (
            api_as(agent).post("/canned-responses", {"title": "T", "body": "B", "shared": True})
        ).status_code == 403
        assert api_as(agent).patch(f"/canned-responses/{shared}", {"title": "X"}).status_code == 403
        assert api_as(agent).delete(f"/canned-responses/{shared}").status_code == 403
        mine = kept["mine"].pk
        assert (
            api_as(agent).patch(f"/canned-responses/{mine}", {"shared": True}, HTTP_IF_MATCH="*")
        ).status_code == 403
        assert (
            api_as(agent, scope=Scope.READ).delete(f"/canned-responses/{mine}").status_code == 403
        )
    changed = api_as(supervisor).patch(
        f"/canned-responses/{shared}", {"title": "Thank you"}, HTTP_IF_MATCH="*"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["shared"] is True


def test_others_personal_responses_are_404(agent, kept):
    theirs = kept["theirs"].pk
    with responses_unchanged():
        assert api_as(agent).patch(f"/canned-responses/{theirs}", {"title": "X"}).status_code == 404
        assert api_as(agent).delete(f"/canned-responses/{theirs}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "body": "B"}, "title"),
        ({"title": "T" * 121, "body": "B"}, "title"),
        ({"title": "T", "body": "  "}, "body"),
        ({"title": "T", "body": "x" * 20_001}, "body"),
        ({"title": "T", "body": "B", "language": "xx"}, "language"),
        ({"title": "T", "body": "x" * 100_001}, "body"),
        ({"body": "B"}, "title"),
    ],
)
def test_bad_responses_are_field_errors(agent, payload, field):
    with responses_unchanged():
        response = api_as(agent).post("/canned-responses", payload)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_macros_are_listed_and_applied(agent, macro, ticket):
    api = api_as(agent)
    (listed,) = api.get("/macros").json()
    assert (listed["priority"], listed["add_tags"], listed["status"]) == (
        "high",
        ["fixed"],
        "solved",
    )
    applied = api.post(f"/tickets/{ticket.number}/macros/{macro.pk}", {})
    assert applied.status_code == 200, applied.content
    data = applied.json()
    assert (data["status"], data["priority"], data["tags"], data["assignee"]["id"]) == (
        "solved",
        "high",
        ["fixed"],
        agent.pk,
    )
    reply = ticket.messages.filter(kind=MessageKind.REPLY).get()
    assert reply.body_text == f"Fixed in {ticket.number}."


def test_a_refused_macro_leaves_nothing(readonly_agent, other_agent, customer, macro, ticket):
    with nothing_changes():
        assert (
            api_as(readonly_agent).post(f"/tickets/{ticket.number}/macros/{macro.pk}", {})
        ).status_code == 403
        assert (
            api_as(other_agent).post(f"/tickets/{ticket.number}/macros/{macro.pk}", {})
        ).status_code == 404
        assert (
            api_as(customer).post(f"/tickets/{ticket.number}/macros/{macro.pk}", {})
        ).status_code == 403
        assert (
            api_as(readonly_agent).post(f"/tickets/{ticket.number}/macros/999999", {})
        ).status_code == 404


def test_a_macro_that_breaks_a_rule_changes_nothing(agent, admin_user, ticket):
    from relaydesk.tickets import services

    services.update_ticket(ticket, actor=admin_user, tags=[f"t{n}" for n in range(20)])
    bad = Macro.objects.create(name="One tag too many", body="Note.", add_tags="extra")
    with nothing_changes():
        response = api_as(agent).post(f"/tickets/{ticket.number}/macros/{bad.pk}", {})
    assert response.status_code == 422, response.content


def test_macros_show_their_field_changes_and_personal_ones_stay_personal(
    agent, other_agent, supervisor, sales, ticket
):
    from relaydesk.accounts.models import Access, Membership
    from relaydesk.tickets.models import CustomField, FieldKind, TicketType

    Membership.objects.create(user=supervisor, department=sales, access=Access.FULL)
    CustomField.objects.create(key="amount", label="Amount", kind=FieldKind.NUMBER)
    question = TicketType.objects.create(name="Question")
    mine = macros.save_macro(
        actor=agent,
        macro=None,
        name="To Sales",
        language="ru",
        type=question,
        department=sales,
        assign=MacroAssign.AGENT,
        assignee=supervisor,
        remove_tags="old",
        custom_fields={"amount": "7"},
    )
    (listed,) = api_as(agent).get("/macros").json()
    assert listed == {
        **listed,
        "shared": False,
        "language": "ru",
        "type": {"id": question.pk, "name": "Question"},
        "department": {"id": sales.pk, "name": "Sales"},
        "assign": "agent",
        "assignee": {"id": supervisor.pk, "name": supervisor.display_name},
        "assign_to_me": False,
        "remove_tags": ["old"],
        "custom_fields": {"amount": 7},
    }
    assert api_as(other_agent).get("/macros").json() == []
    with nothing_changes():
        response = api_as(other_agent).post(f"/tickets/{ticket.number}/macros/{mine.pk}", {})
        assert response.status_code == 404
    applied = api_as(agent).post(f"/tickets/{ticket.number}/macros/{mine.pk}", {})
    assert applied.status_code == 200, applied.content
    data = applied.json()
    assert (data["department"]["name"], data["assignee"]["id"], data["type"]["name"]) == (
        "Sales",
        supervisor.pk,
        "Question",
    )
    assert data["custom_fields"] == {"amount": 7}


def test_a_refused_transfer_in_a_macro_is_a_422_and_changes_nothing(agent, sales, ticket):
    refused = macros.save_macro(
        actor=agent, macro=None, name="Me to Sales", department=sales, assign=MacroAssign.ME
    )
    with nothing_changes():
        response = api_as(agent).post(f"/tickets/{ticket.number}/macros/{refused.pk}", {})
    assert response.status_code == 422, response.content
    assert "does not work in Sales" in response.content.decode()
