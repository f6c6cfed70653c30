"""Amazon SES inbound mail through django-anymail, without boto3.

SES hands a received mail to us as an Amazon SNS notification. With the receipt rule's **SNS
action** the raw mail travels inside the notification (base64; SNS caps a notification at
256 KB, so this suits mail up to about 150 KB); the **S3 action** leaves it in a bucket, which
only boto3 can read. Anymail's view asks for boto3 as soon as it is built, even for the SNS
action, so this subclass builds without it and refuses S3 notifications with a clear answer.

What is checked, as in anymail: HTTP basic auth (`RELAYDESK_MAIL_WEBHOOK_SECRET`, put in the
SNS subscription's URL), and that the `x-amz-sns-message-type` and `x-amz-sns-message-id`
headers match the body. SNS's own message signature is not verified (anymail does not either).
A subscription confirmation is logged with its SubscribeURL for an administrator to open (or
confirm it in the SNS console); nothing outside is called from a request."""

from __future__ import annotations

import binascii
import logging
from typing import Any

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailBaseWebhookView
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)


class SesInboundView(AmazonSESInboundWebhookView):
    def __init__(self, **kwargs: Any) -> None:
        self.auto_confirm_enabled = False
        self.session_params: dict[str, Any] = {}
        self.client_params: dict[str, Any] = {}
        self.kms_key_id = None
        self.chunk_size = 0
        AnymailBaseWebhookView.__init__(self, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except (
            AnymailAPIError,
            AnymailConfigurationError,
            AnymailWebhookValidationFailure,
            binascii.Error,  # content that is not base64
            UnicodeError,  # content that is not even ASCII
        ) as error:
            log.warning("Amazon SES notification refused: %s", error)
            return HttpResponse(str(error)[:500], status=400, content_type="text/plain")

    def auto_confirm_sns_subscription(self, sns_message: dict[str, Any]) -> None:
        log.warning(
            "Amazon SNS asks to confirm the subscription of topic %s: open %s",
            sns_message.get("TopicArn"),
            sns_message.get("SubscribeURL"),
        )

    def fetch_s3_chunks(self, bucket_name: str, object_key: str) -> Any:
        raise AnymailConfigurationError(
            "Relaydesk reads Amazon SES mail from the SNS action only (the mail inside the "
            "notification); the S3 action needs boto3, which is not installed."
        )
