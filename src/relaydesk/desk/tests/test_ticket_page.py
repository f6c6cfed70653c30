import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from relaydesk.conftest import HTMX
from relaydesk.tickets import services
from relaydesk.tickets.models import EventKind, MessageKind, Priority, Ticket


def url(ticket, action=""):
    return f"/desk/tickets/{ticket.number}/" + (f"{action}/" if action else "")


def snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (
        ticket.status,
        ticket.priority,
        ticket.department_id,
        ticket.assignee_id,
        ticket.messages.count(),
        ticket.events.count(),
        ticket.time_entries.count(),
        sorted(ticket.tags.values_list("name", flat=True)),
    )


def test_ticket_page_shows_conversation_requester_and_panel(as_agent, ticket, customer):
    services.add_message(ticket, actor=ticket.requester, body=services.Body("More smoke now"))
    response = as_agent.get(url(ticket))
    assert response.status_code == 200
    page = response.content.decode()
    assert "It started smoking this morning." in page
    assert "More smoke now" in page
    assert customer.email in page
    assert 'id="panel"' in page
    assert "read-only access" not in page


def test_agent_reply_is_appended_to_the_conversation(as_agent, ticket, agent):
    response = as_agent.post(url(ticket, "reply"), {"body": "We are on it", "internal": ""}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="composer"' in page
    assert 'id="conversation" class="conversation" hx-swap-oob="true"' in page
    assert "We are on it" in page
    message = ticket.messages.last()
    assert (message.kind, message.author) == (MessageKind.REPLY, agent)


def test_internal_note_is_shown_as_a_note(as_agent, ticket):
    as_agent.post(url(ticket, "reply"), {"body": "Check the fuse", "internal": "on"}, **HTMX)
    assert ticket.messages.last().kind == MessageKind.NOTE
    assert "message-note" in as_agent.get(url(ticket)).content.decode()


def test_plain_form_post_redirects_back_to_the_ticket(as_agent, ticket):
    response = as_agent.post(url(ticket, "reply"), {"body": "No JS here"})
    assert response.status_code == 302
    assert response["Location"] == url(ticket)


def test_reply_with_status_changes_the_status(as_agent, ticket):
    as_agent.post(url(ticket, "reply"), {"body": "Done", "status": "solved"}, **HTMX)
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


def test_empty_reply_is_refused_with_an_error(as_agent, ticket):
    before = snapshot(ticket)
    response = as_agent.post(url(ticket, "reply"), {"body": ""}, **HTMX)
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert snapshot(ticket) == before


def properties_data(ticket, **changes):
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": "",
        "category": "",
        "tags": "",
        "department": ticket.department_id,
        "assignee": "",
    }
    data.update(changes)
    return data


def test_properties_save_in_place_and_leave_history(as_agent, ticket, agent):
    data = properties_data(ticket, priority=Priority.URGENT, tags="vip, Printer", assignee=agent.pk)
    response = as_agent.post(url(ticket, "properties"), data, **HTMX)
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert ticket.assignee == agent
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["printer", "vip"]
    history = as_agent.get(url(ticket) + "?part=history").content.decode()
    assert "Urgent" in history
    assert "changed the tags" in history


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "exploded"},
        {"status": "custom:999"},
        {"assignee": 424242},
        {"priority": 9},
        {"department": 424242},
    ],
)
def test_invalid_properties_are_refused_and_change_nothing(as_agent, ticket, changes):
    before = snapshot(ticket)
    response = as_agent.post(url(ticket, "properties"), properties_data(ticket, **changes), **HTMX)
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert snapshot(ticket) == before


def test_assignee_outside_the_department_is_a_field_error(as_agent, ticket, other_agent):
    before = snapshot(ticket)
    data = properties_data(ticket, assignee=other_agent.pk)
    response = as_agent.post(url(ticket, "properties"), data, **HTMX)
    assert response.status_code == 422
    assert "does not work in Support" in response.content.decode()
    assert snapshot(ticket) == before


def test_transfer_moves_the_ticket_with_a_note(as_agent, ticket, sales):
    response = as_agent.post(
        url(ticket, "transfer"), {"department": sales.pk, "note": "Sales question"}, **HTMX
    )
    assert response["HX-Redirect"] == "/desk/"  # out of the agent's departments now
    ticket.refresh_from_db()
    assert ticket.department == sales
    assert ticket.events.filter(kind=EventKind.TRANSFER).exists()
    assert ticket.messages.filter(kind=MessageKind.NOTE, body_text="Sales question").exists()


def test_transfer_to_a_colleague_stays_on_the_ticket(as_agent, ticket, supervisor):
    response = as_agent.post(url(ticket, "transfer"), {"assignee": supervisor.pk}, **HTMX)
    assert response.status_code == 200
    assert 'id="panel"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == supervisor


def test_transfer_to_nowhere_is_a_clear_error(as_agent, ticket):
    before = snapshot(ticket)
    response = as_agent.post(url(ticket, "transfer"), {"note": "?"}, **HTMX)
    assert response.status_code == 422
    assert "Choose a department or an agent." in response.content.decode()
    assert snapshot(ticket) == before


def test_time_is_logged(as_agent, ticket):
    response = as_agent.post(url(ticket, "time"), {"minutes": 25, "note": "call"}, **HTMX)
    assert response.status_code == 200
    assert "0h 25m logged" in response.content.decode()
    assert ticket.time_entries.get().minutes == 25


@pytest.mark.parametrize("minutes", ["0", "-5", "abc", "5000"])
def test_bad_time_is_refused(as_agent, ticket, minutes):
    before = snapshot(ticket)
    assert as_agent.post(url(ticket, "time"), {"minutes": minutes}, **HTMX).status_code == 422
    assert snapshot(ticket) == before


READONLY_POSTS = [
    ("reply", {"body": "hello"}),
    ("properties", {"status": "solved", "priority": 4, "tags": "x"}),
    ("transfer", {"note": "take it"}),
    ("time", {"minutes": 10}),
]


@pytest.mark.parametrize(("action", "data"), READONLY_POSTS)
def test_read_only_agent_is_refused_on_every_post(as_readonly, ticket, action, data, sales):
    if action == "transfer":
        data = {**data, "department": sales.pk}
    before = snapshot(ticket)
    response = as_readonly.post(url(ticket, action), data, **HTMX)
    assert response.status_code == 403
    assert "You may not change this ticket." in response.content.decode()
    assert snapshot(ticket) == before


def test_read_only_agent_sees_the_ticket_without_enabled_controls(as_readonly, ticket):
    page = as_readonly.get(url(ticket)).content.decode()
    assert "read-only access" in page
    assert page.count("<fieldset disabled>") == 4
    assert "Save changes" not in page


def test_forged_or_missing_csrf_token_is_refused(agent, ticket):
    from relaydesk.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    client.login(username=agent.email, password=PASSWORD)
    before = snapshot(ticket)
    assert client.post(url(ticket, "reply"), {"body": "forged"}).status_code == 403
    response = client.post(
        url(ticket, "reply"), {"body": "forged", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    assert snapshot(ticket) == before


def test_oversized_attachment_is_refused(as_agent, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    before = snapshot(ticket)
    upload = SimpleUploadedFile("big.txt", b"x" * 11, content_type="text/plain")
    response = as_agent.post(
        url(ticket, "reply"), {"body": "see file", "attachments": upload}, **HTMX
    )
    assert response.status_code == 422
    assert "big.txt is larger than" in response.content.decode()
    assert snapshot(ticket) == before


def test_executable_attachment_is_refused(as_agent, ticket):
    before = snapshot(ticket)
    upload = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    response = as_agent.post(
        url(ticket, "reply"), {"body": "run this", "attachments": upload}, **HTMX
    )
    assert response.status_code == 422
    assert "Files of type .exe are not accepted." in response.content.decode()
    assert snapshot(ticket) == before


def test_reply_with_attachment_lists_a_download_link(as_agent, ticket):
    upload = SimpleUploadedFile("log.txt", b"line", content_type="text/plain")
    as_agent.post(url(ticket, "reply"), {"body": "log attached", "attachments": upload}, **HTMX)
    attachment = ticket.messages.last().attachments.get()
    assert f"/desk/attachments/{attachment.pk}/" in as_agent.get(url(ticket)).content.decode()


@pytest.mark.parametrize("part", ["conversation", "panel", "history"])
def test_parts_are_served_for_live_refresh(as_agent, ticket, part):
    response = as_agent.get(url(ticket) + f"?part={part}")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_ticket_page_queries_do_not_grow_with_files(as_agent, ticket):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_agent.get(url(ticket)).status_code == 200
        return len(captured)

    as_agent.get(url(ticket))  # the process's first page reads the selects' lists
    before = queries()
    for name in ("a.txt", "b.txt"):
        upload = SimpleUploadedFile(name, b"line", content_type="text/plain")
        as_agent.post(url(ticket, "reply"), {"body": name, "attachments": upload}, **HTMX)
    html = as_agent.get(url(ticket)).content.decode()
    assert html.count('<span class="file-icon" aria-hidden="true"></span>') == 2
    assert queries() == before
