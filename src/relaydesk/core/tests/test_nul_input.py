"""NUL characters never reach the database (PostgreSQL refuses them with a 500): refused in
query strings by the middleware, in form fields by the forms, and cleaned out of API bodies
by the services."""

import pytest

from relaydesk.conftest import signed_in


@pytest.mark.parametrize("path", ["/api/v1/tags?q=%00", "/api/v1/tickets?tag=a%00b"])
def test_api_query_with_nul_is_a_problem_400(admin_user, path):
    response = signed_in(admin_user).get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


def test_desk_list_filter_with_nul_is_refused(agent):
    response = signed_in(agent).get("/desk/?requester=x%00@example.com")
    assert response.status_code == 400


def test_form_body_with_nul_gets_a_field_error_and_changes_nothing(agent, ticket):
    response = signed_in(agent).post(
        f"/desk/tickets/{ticket.number}/reply/",
        "body=hi%00there&internal=on",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert ticket.messages.count() == 1


def test_ordinary_requests_pass(agent):
    assert signed_in(agent).get("/desk/?requester=someone@example.com").status_code == 200
