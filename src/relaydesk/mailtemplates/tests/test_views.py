"""The mail template pages are for administrators only; the editor saves, previews and resets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relaydesk.conftest import HTMX, signed_in
from relaydesk.mailtemplates.models import MailTemplate

EDIT = reverse("mailtemplates:edit", args=["status", "en"])
PREVIEW = reverse("mailtemplates:preview", args=["status", "en"])
RESET = reverse("mailtemplates:reset", args=["status", "en"])


@pytest.fixture
def as_admin(admin_user):
    return signed_in(admin_user)


@pytest.mark.parametrize("persona", ["customer", "agent", "supervisor", "other_agent"])
def test_everyone_but_administrators_is_refused(request, persona):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("mailtemplates:list")).status_code == 403
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"subject": "S", "body": "B"}).status_code == 403
    assert client.post(PREVIEW, {"subject": "S", "body": "B"}).status_code == 403
    assert client.post(RESET).status_code == 403
    assert not MailTemplate.objects.exists()


def test_list_shows_every_mail_and_language(as_admin):
    page = as_admin.get(reverse("mailtemplates:list")).content.decode()
    assert reverse("mailtemplates:edit", args=["agent_notification", "fa"]) in page
    assert reverse("mailtemplates:edit", args=["account_login", "ru"]) in page


def test_editor_starts_from_the_built_in_text(as_admin, ticket):
    page = as_admin.get(EDIT).content.decode()
    assert "Hello {{ customer.first_name }}" in page
    assert f"Your request #{ticket.number} is now" in page  # the preview, on the newest ticket


def test_unknown_mail_or_language_is_a_404(as_admin):
    assert as_admin.get(reverse("mailtemplates:edit", args=["nope", "en"])).status_code == 404
    assert as_admin.get(reverse("mailtemplates:edit", args=["status", "xx"])).status_code == 404


def test_save_and_reset(as_admin, admin_user):
    response = as_admin.post(EDIT, {"subject": "Now {{ ticket.status }}", "body": "Hi"})
    assert response.status_code == 302
    template = MailTemplate.objects.get()
    assert (template.subject, template.updated_by) == ("Now {{ ticket.status }}", admin_user)
    assert as_admin.post(RESET).status_code == 302
    assert not MailTemplate.objects.exists()


def test_a_malformed_template_is_refused_with_a_reason(as_admin):
    response = as_admin.post(EDIT, {"subject": "Hi", "body": "{% load static %}{{ nope.x }}"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Only {{ placeholders }} are supported" in page.replace("&#x27;", "'")
    assert "Unknown placeholder" in page
    assert not MailTemplate.objects.exists()


def test_oversized_input_is_refused(as_admin):
    response = as_admin.post(EDIT, {"subject": "x" * 5000, "body": "y" * 100_000})
    assert response.status_code == 422
    assert not MailTemplate.objects.exists()


def test_live_preview_renders_against_a_chosen_ticket(as_admin, ticket):
    response = as_admin.post(
        PREVIEW,
        {
            "subject": "#{{ ticket.number }}",
            "body": "To {{ customer.email }}",
            "ticket": ticket.number,
        },
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"#{ticket.number}" in page
    assert "To carol@acme.test" in page


def test_live_preview_without_tickets_uses_a_sample(as_admin):
    response = as_admin.post(PREVIEW, {"subject": "#{{ ticket.number }}", "body": "x"}, **HTMX)
    assert response.status_code == 200
    assert "#10042" in response.content.decode()


def test_live_preview_shows_problems(as_admin):
    response = as_admin.post(PREVIEW, {"subject": "S", "body": "{{ oops }"}, **HTMX)
    assert response.status_code == 422
    assert "not closed" in response.content.decode()
