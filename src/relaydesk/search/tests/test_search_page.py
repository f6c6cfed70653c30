from django.db import connection
from django.test.utils import CaptureQueriesContext

from relaydesk.tickets import services


def test_a_ticket_number_opens_the_ticket(as_agent, open_ticket):
    ticket = open_ticket("Printer", "Smoke.")
    for text in (str(ticket.number), f"#{ticket.number}", f" {ticket.number} "):
        response = as_agent.get("/desk/search/", {"q": text})
        assert response.status_code == 302
        assert response["Location"] == f"/desk/tickets/{ticket.number}/"


def test_an_invisible_number_does_not_open_the_ticket(as_other_agent, open_ticket):
    ticket = open_ticket("Printer", "Smoke.")
    response = as_other_agent.get("/desk/search/", {"q": str(ticket.number)})
    assert response.status_code == 200
    assert f"/desk/tickets/{ticket.number}/" not in response.content.decode()


def test_words_list_tickets_with_marked_snippets(as_agent, open_ticket):
    ticket = open_ticket("Printer", "The <b>toaster</b> exploded.")
    page = as_agent.get("/desk/search/", {"q": "toaster"}).content.decode()
    assert f"/desk/tickets/{ticket.number}/" in page
    assert "<mark>toaster</mark>" in page
    assert "<b>" not in page


def test_the_hits_read_no_tags_they_do_not_show(as_agent, agent, open_ticket):
    ticket = open_ticket("Printer", "Smoke.")
    services.update_ticket(ticket, actor=agent, tags=["hardware"])
    with CaptureQueriesContext(connection) as queries:
        page = as_agent.get("/desk/search/", {"q": "smoke"}).content.decode()
    assert f"/desk/tickets/{ticket.number}/" in page
    assert not [q for q in queries if "tickets_ticket_tags" in q["sql"]]


def test_email_lists_the_contact(as_agent, open_ticket, customer):
    open_ticket("Printer", "Smoke.")
    page = as_agent.get("/desk/search/", {"q": customer.email}).content.decode()
    assert "Contacts" in page
    assert f"/desk/contacts/{customer.pk}/" in page


def test_organization_is_listed_and_filters_its_tickets(as_agent, open_ticket, acme):
    ticket = open_ticket("Printer", "Smoke.")
    page = as_agent.get("/desk/search/", {"q": "acme"}).content.decode()
    assert f"/desk/organizations/{acme.pk}/" in page
    page = as_agent.get("/desk/search/", {"organization": acme.pk}).content.decode()
    assert f"/desk/tickets/{ticket.number}/" in page


def test_internal_notes_are_searched_for_agents(as_agent, agent, open_ticket):
    ticket = open_ticket("Login", "Cannot sign in.")
    services.add_message(ticket, actor=agent, body=services.Body("Fraud suspected."), internal=True)
    page = as_agent.get("/desk/search/", {"q": "fraud"}).content.decode()
    assert f"/desk/tickets/{ticket.number}/" in page


def test_agent_of_another_department_finds_nothing_there(as_other_agent, open_ticket):
    ticket = open_ticket("Printer", "Smoke.")
    page = as_other_agent.get("/desk/search/", {"q": "printer"}).content.decode()
    assert f"/desk/tickets/{ticket.number}/" not in page
    assert "No tickets found" in page


def test_customers_and_visitors_are_refused(as_customer, client):
    assert as_customer.get("/desk/search/", {"q": "x"}).status_code == 403
    response = client.get("/desk/search/", {"q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/")


def test_malformed_input_is_a_clear_error(as_agent):
    for params in (
        {"q": "x" * 201},
        {"q": "a", "created_from": "yesterday"},
        {"q": "a", "department": "nope"},
        {"q": "a", "sort": "random"},
    ):
        response = as_agent.get("/desk/search/", params)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()


def test_a_forged_cursor_gives_the_first_page(as_agent, open_ticket):
    ticket = open_ticket("Printer", "Smoke.")
    response = as_agent.get("/desk/search/", {"q": "printer", "after": "forged"})
    assert f"/desk/tickets/{ticket.number}/" in response.content.decode()


def test_the_top_bar_carries_the_search_box(as_agent):
    page = as_agent.get("/desk/").content.decode()
    assert 'action="/desk/search/"' in page
