from relaydesk.api.tests.conftest import api_as
from relaydesk.tickets import services


def test_search_finds_tickets_by_their_words_with_snippets(agent, ticket, other_agent):
    services.add_message(ticket, actor=agent, body=services.Body("toner cartridge ordered"))
    body = api_as(agent).get("/search?q=toner").json()
    assert [hit["ticket"]["number"] for hit in body["tickets"]] == [ticket.number]
    assert "<mark>" in body["tickets"][0]["snippet_html"]
    assert api_as(other_agent).get("/search?q=toner").json()["tickets"] == []


def test_customers_never_find_tickets_by_internal_notes(agent, customer, ticket):
    services.add_message(ticket, actor=agent, body=services.Body("zanzibar"), internal=True)
    assert [
        h["ticket"]["number"] for h in api_as(agent).get("/search?q=zanzibar").json()["tickets"]
    ] == [ticket.number]
    as_customer = api_as(customer).get("/search?q=zanzibar").json()
    assert as_customer["tickets"] == []
    assert as_customer["contacts"] == []


def test_search_refuses_bad_parameters(agent):
    api = api_as(agent)
    for query in ("q=" + "x" * 300, "sort=loudest", "status=burning", "limit=0"):
        response = api.get(f"/search?{query}")
        assert response.status_code == 422, query
        assert response["Content-Type"] == "application/problem+json"
