"""Hostile and oversized input: a problem document, never a crash, nothing written."""

import json

from relaydesk.api.tests.conftest import api_as
from relaydesk.tickets.tests.helpers import nothing_changes


def test_oversized_body_is_refused(agent):
    api = api_as(agent)
    huge = {"subject": "x", "body": "a" * (6 * 1024 * 1024), "requester_email": "a@b.test"}
    with nothing_changes():
        response = api.post("/tickets", huge)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_nul_characters_and_nested_junk_are_refused_or_cleaned(agent, support):
    api = api_as(agent)
    response = api.post(
        "/tickets",
        {"subject": "a\x00b", "body": "c\x00d", "requester_email": "n@b.test"},
    )
    assert response.status_code in (201, 422), response.content
    nested: object = "x"
    for _ in range(200):
        nested = {"k": nested}
    with nothing_changes():
        response = api.post(
            "/tickets",
            {"subject": "s", "body": "b", "requester_email": "n@b.test", "custom_fields": nested},
        )
    assert response.status_code == 422


def test_wrong_content_type_and_non_object_json(agent):
    api = api_as(agent)
    for body, content_type in (
        ("subject=x", "application/x-www-form-urlencoded"),
        (json.dumps([1, 2]), "application/json"),
        ("null", "application/json"),
    ):
        with nothing_changes():
            response = api.client.post("/api/v1/tickets", body, content_type=content_type)
        assert response.status_code in (400, 422), (body, response.content)
        assert response["Content-Type"] == "application/problem+json"


def test_path_numbers_beyond_the_database_range_are_404(agent):
    api = api_as(agent)
    assert api.get("/tickets/99999999999999999999999").status_code in (404, 422)
    assert api.get("/users/-1").status_code == 404
