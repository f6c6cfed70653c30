"""Provider inbound webhooks through django-anymail: Mailgun, SendGrid, Postmark, Amazon SES
(SNS notifications with the mail inside)."""

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


SES_URL = "/mail/webhooks/amazon_ses/inbound/"


def ses_notification(raw: bytes, *, action: dict | None = None, kind: str = "Received") -> dict:
    """An SNS notification as Amazon SES posts it for a receipt rule's SNS action."""
    ses_event = {
        "notificationType": kind,
        "mail": {
            "timestamp": "2026-11-22T10:00:00.000Z",
            "source": "carol@acme.test",
            "messageId": "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1",
            "destination": ["support@example.com"],
        },
        "receipt": {
            "timestamp": "2026-11-22T10:00:00.000Z",
            "recipients": ["support@example.com"],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "action": action
            or {
                "type": "SNS",
                "topicArn": "arn:aws:sns:eu-west-1:123456789012:relaydesk-inbound",
                "encoding": "BASE64",
            },
        },
        "content": base64.b64encode(raw).decode(),
    }
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:relaydesk-inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": "2026-11-22T10:00:01.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+..",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
    }


def post_sns(body: dict | str, *, auth: dict | None = None, headers: dict | None = None):
    payload = body if isinstance(body, str) else json.dumps(body)
    meta = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        **(AUTH if auth is None else auth),
        **(headers or {}),
    }
    return Client().post(SES_URL, payload, content_type="text/plain; charset=UTF-8", **meta)


def test_amazon_ses_sns_notification_with_the_mail_inside_becomes_a_ticket():
    raw = make_mail(subject="Через SES", body="Привет")
    response = post_sns(ses_notification(raw))
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.subject == "Через SES"
    row = InboundMail.objects.get()
    assert (row.source, row.envelope_recipient, row.outcome) == (
        Source.WEBHOOK,
        "support@example.com",
        Outcome.CREATED,
    )


def test_amazon_ses_posted_twice_makes_one_ticket():
    body = ses_notification(make_mail(subject="Once"))
    assert post_sns(body).status_code == 200
    assert post_sns(body).status_code == 200
    assert Ticket.objects.count() == 1


def test_amazon_ses_without_credentials_is_asked_for_them_and_stores_nothing():
    response = post_sns(ses_notification(make_mail()), auth={})
    assert response.status_code == 401
    assert "Basic" in response["WWW-Authenticate"]
    wrong = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:wrong").decode()}
    assert post_sns(ses_notification(make_mail()), auth=wrong).status_code == 400
    assert not InboundMail.objects.exists()


@pytest.mark.parametrize(
    ("body", "headers", "says"),
    [
        ("{not json", {}, "Malformed SNS message"),
        ({"Type": "Notification", "MessageId": "x"}, {}, "x-amz-sns-message-id"),
        (None, {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "SubscriptionConfirmation"}, "doesn't match"),
        ("s3", {}, "SNS action only"),
        ("sending", {}, "*sending* event"),
        ("bad base64", {}, ""),
        ("not ascii", {}, ""),
    ],
)
def test_amazon_ses_refuses_what_it_cannot_read_and_stores_nothing(body, headers, says):
    if body is None:
        body = ses_notification(make_mail())
    elif body == "s3":
        body = ses_notification(
            make_mail(), action={"type": "S3", "bucketName": "b", "objectKey": "k"}
        )
    elif body == "sending":
        body = ses_notification(make_mail(), kind="Bounce")
    elif body == "bad base64":
        body = ses_notification(make_mail())
        event = json.loads(body["Message"])
        event["content"] = "%%% not base64 %%%"
        body["Message"] = json.dumps(event)
    elif body == "not ascii":
        body = ses_notification(make_mail())
        event = json.loads(body["Message"])
        event["content"] = "Привет"
        body["Message"] = json.dumps(event)
    response = post_sns(body, headers=headers)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not InboundMail.objects.exists()


def test_amazon_sns_subscription_confirmation_is_logged_for_an_admin(caplog):
    body = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "Token": "2336412f37",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:relaydesk-inbound",
        "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&T=1",
    }
    response = post_sns(body, headers={"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "SubscriptionConfirmation"})
    assert response.status_code == 200
    assert "Action=ConfirmSubscription" in caplog.text
    assert not InboundMail.objects.exists()
