"""Provider inbound webhooks through django-anymail: Mailgun, SendGrid, Postmark. (Amazon SES
needs boto3, which anymail imports for it and which is not installed.)"""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client

from relaydesk.mail.models import InboundMail, Outcome, Source
from relaydesk.mail.tests.conftest import IMMEDIATE, make_mail
from relaydesk.tickets.models import Ticket

SECRET = "hook:s3cret"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
SIGNING_KEY = "mailgun-key"

pytestmark = [
    pytest.mark.usefixtures("mailbox"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.TASKS = IMMEDIATE


def mailgun_fields(raw: bytes) -> dict[str, str]:
    timestamp, token = "1700000000", "a" * 50
    signature = hmac.new(SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "body-mime": raw.decode(),
        "recipient": "support@example.com",
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
    }


def test_mailgun_raw_mime_becomes_a_ticket():
    response = Client().post(
        "/mail/webhooks/mailgun/inbound_mime/", mailgun_fields(make_mail(subject="Mailgun")), **AUTH
    )
    assert response.status_code == 200
    assert Ticket.objects.get().subject == "Mailgun"
    assert InboundMail.objects.get().source == Source.WEBHOOK


def test_sendgrid_raw_becomes_a_ticket():
    raw = make_mail(subject="SendGrid").decode()
    response = Client().post(
        "/mail/webhooks/sendgrid/inbound/", {"email": raw, "to": "support@example.com"}, **AUTH
    )
    assert response.status_code == 200
    assert Ticket.objects.get().subject == "SendGrid"


def test_postmark_json_becomes_a_ticket():
    payload = {
        "FromFull": {"Email": "carol@acme.test", "Name": "Carol"},
        "ToFull": [{"Email": "support@example.com", "Name": ""}],
        "Subject": "Postmark",
        "TextBody": "Hello from Postmark",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@acme.test>"}],
        "OriginalRecipient": "support@example.com",
    }
    response = Client().post(
        "/mail/webhooks/postmark/inbound/", json.dumps(payload), "application/json", **AUTH
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.messages.get().body_text == "Hello from Postmark"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:wrong").decode()}],
)
def test_webhook_without_the_secret_is_refused_and_stores_nothing(headers):
    response = Client().post(
        "/mail/webhooks/sendgrid/inbound/", {"email": make_mail().decode()}, **headers
    )
    assert response.status_code in (400, 401, 403)
    assert not InboundMail.objects.exists()


def test_mailgun_with_a_bad_signature_is_refused():
    fields = mailgun_fields(make_mail())
    fields["signature"] = "0" * 64
    response = Client().post("/mail/webhooks/mailgun/inbound_mime/", fields, **AUTH)
    assert response.status_code == 400
    assert not InboundMail.objects.exists()


def test_a_webhook_retried_by_the_provider_makes_one_ticket():
    fields = mailgun_fields(make_mail())
    for _ in range(2):
        Client().post("/mail/webhooks/mailgun/inbound_mime/", fields, **AUTH)
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.get().outcome == Outcome.CREATED
