import pytest
from django.urls import reverse

from relaydesk.conftest import PASSWORD

PAGES = ["/desk/", "/desk/tickets/new/", "/desk/profile/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*PAGES, "ticket", "attachment"])
def test_anonymous_visitors_are_sent_to_sign_in(client, ticket, path):
    path = {"ticket": f"/desk/tickets/{ticket.number}/", "attachment": "/desk/attachments/1/"}.get(
        path, path
    )
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_customer_is_refused_in_the_desk(as_customer, path):
    response = as_customer.get(path)
    assert response.status_code == 403
    assert b"for agents" in response.content


def test_customer_cannot_sign_in_to_the_desk(client, customer):
    response = client.post(
        reverse("desk:login"), {"username": customer.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert b"This sign-in is for agents" in response.content
    assert "_auth_user_id" not in client.session


def test_agent_signs_in_with_email_in_any_case(client, agent):
    response = client.post(
        reverse("desk:login"), {"username": agent.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")


def test_wrong_password_is_a_clear_error(client, agent):
    response = client.post(reverse("desk:login"), {"username": agent.email, "password": "nope"})
    assert b"is not right" in response.content


def test_sign_out_is_a_post(as_agent):
    assert as_agent.get(reverse("desk:logout")).status_code == 405
    assert as_agent.post(reverse("desk:logout")).status_code == 302
    assert as_agent.get("/desk/").status_code == 302


def test_sign_in_page_shows_demo_logins_only_in_demo_mode(client, settings, db):
    assert b"agent@example.com" not in client.get(reverse("desk:login")).content
    settings.DEMO = True
    assert b"agent@example.com" in client.get(reverse("desk:login")).content


def test_agent_of_another_department_gets_404_on_a_support_ticket(as_other_agent, ticket):
    assert as_other_agent.get(f"/desk/tickets/{ticket.number}/").status_code == 404
    response = as_other_agent.post(f"/desk/tickets/{ticket.number}/reply/", {"body": "hi"})
    assert response.status_code == 404
    assert ticket.messages.count() == 1


@pytest.mark.parametrize("number", [1, 99999999, 2**63 + 5])
def test_unknown_ticket_numbers_are_404(as_agent, number):
    response = as_agent.get(f"/desk/tickets/{number}/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_error_pages_share_the_desk_look(as_agent):
    response = as_agent.get("/desk/nowhere/")
    assert response.status_code == 404
    assert b'class="topbar"' in response.content
