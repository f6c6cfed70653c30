"""The embeddable contact form (PO3): a ticket in the chosen department, framed by any site,
and spam kept out by a honeypot, a time trap and rate limits."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from relaydesk.accounts.models import User
from relaydesk.portal import webform
from relaydesk.portal.models import WebForm
from relaydesk.tickets.models import Channel, Ticket


@pytest.fixture
def contact(support) -> WebForm:
    return WebForm.objects.create(key="contact", name="Contact us", department=support)


def old_stamp(seconds: int = 60) -> str:
    return signing.dumps(int(time.time()) - seconds, salt=webform.SALT)


def message(**extra):
    return {
        "name": "Pat Visitor",
        "email": "pat@visitor.test",
        "subject": "Do you ship to Iceland?",
        "message": "Asking before I order.",
        "ts": old_stamp(),
        **extra,
    }


def post(data, ip="203.0.113.5"):
    # A plain form post from another site: no CSRF token, no session.
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)
    return client.post(reverse("portal:webform", args=["contact"]), data)


def test_a_visitor_opens_a_ticket_in_the_forms_department(contact, support):
    response = post(message())
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.department, ticket.subject) == (
        Channel.WEB_FORM,
        support,
        "Do you ship to Iceland?",
    )
    assert ticket.requester == User.objects.get(email="pat@visitor.test")


def test_the_form_page_may_be_framed_by_other_sites(contact):
    response = Client().get(reverse("portal:webform", args=["contact"]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert 'name="website"' in response.content.decode()
    assert 'name="ts"' in response.content.decode()


def test_other_pages_still_refuse_to_be_framed(db):
    response = Client().get(reverse("portal:login"))
    assert response.headers["X-Frame-Options"] == "DENY"


def test_filled_honeypot_gets_thanks_and_no_ticket(contact):
    response = post(message(website="http://spam.test"))
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_answers_faster_than_a_person_are_refused(contact):
    response = post(message(ts=webform.stamp()))
    assert response.status_code == 422
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("ts", ["forged", old_stamp(2 * 24 * 60 * 60)])
def test_forged_or_stale_times_are_refused(contact, ts):
    assert post(message(ts=ts)).status_code == 422
    assert not Ticket.objects.exists()


def test_a_plain_html_post_without_time_is_accepted(contact):
    assert post(message(ts="")).status_code == 200
    assert Ticket.objects.count() == 1


def test_rate_limits_per_address_and_per_ip(contact):
    for n in range(5):
        assert post(message(subject=f"n{n}"), ip=f"198.51.100.{n}").status_code == 200
    assert post(message(), ip="198.51.100.99").status_code == 429
    for n in range(10):
        assert post(message(email=f"v{n}@visitor.test"), ip="192.0.2.1").status_code == 200
    assert post(message(email="last@visitor.test"), ip="192.0.2.1").status_code == 429
    assert Ticket.objects.count() == 15


@pytest.mark.parametrize(
    "bad",
    [
        {"email": "not-an-address"},
        {"email": "alice@example.com"},  # an agent's address
        {"subject": ""},
        {"subject": "s" * 251},
        {"message": ""},
        {"message": "m" * 50_001},
        {"subject": "x\x00y"},
    ],
)
def test_bad_input_is_refused_and_writes_nothing(contact, agent, bad):
    assert post(message(**bad)).status_code == 422
    assert not Ticket.objects.exists()


def test_script_in_the_message_stays_text(contact):
    post(message(subject="<script>alert(1)</script>", message="<img src=x onerror=alert(1)>"))
    ticket = Ticket.objects.get()
    assert ticket.subject == "<script>alert(1)</script>"
    assert ticket.messages.get().body_html == ""


def test_unknown_or_inactive_forms_are_404(contact):
    contact.is_active = False
    contact.save()
    assert post(message()).status_code == 404
    assert Client().get(reverse("portal:webform", args=["nope"])).status_code == 404


def test_the_example_page_shows_the_snippet(contact):
    page = Client().get(reverse("portal:webform_example", args=["contact"])).content.decode()
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/form/contact/&quot;" in page or (
        '&lt;iframe src="http://127.0.0.1:8000/form/contact/"' in page
    )
