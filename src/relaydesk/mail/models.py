"""Mailboxes, the raw inbound store, the outbox, ticket CCs and blocked senders (CH1, CH2, TK9)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Department, User
from relaydesk.mail import secrets
from relaydesk.tickets.models import Message, Ticket


def split_addresses(value: str) -> list[str]:
    return [a.strip().lower() for a in value.replace(";", ",").split(",") if a.strip()]


class Mailbox(models.Model):
    """An address the team receives mail at; it picks the department of new tickets."""

    name = models.CharField(_("name"), max_length=100)
    address = models.EmailField(_("address"), unique=True)
    aliases = models.CharField(
        _("other addresses"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated addresses that also deliver to this mailbox."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mailboxes",
    )
    sender_name = models.CharField(
        _("sender name"), max_length=100, blank=True, help_text=_("Shown as the mail's sender.")
    )
    signature = models.TextField(_("signature"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    send_acknowledgement = models.BooleanField(_("acknowledge new tickets"), default=True)
    send_conversation = models.BooleanField(
        _("copy the conversation in replies"),
        default=False,
        help_text=_(
            "Each reply mailed to the customer also quotes the earlier public conversation, "
            "newest first (never internal notes)."
        ),
    )
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password_encrypted = models.TextField(editable=False, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    smtp_url_encrypted = models.TextField(editable=False, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def clean(self) -> None:
        self.address = self.address.strip().lower()
        for alias in split_addresses(self.aliases):
            try:
                validate_email(alias)
            except ValidationError:
                raise ValidationError(
                    {"aliases": _("%(address)s is not a valid address.") % {"address": alias}}
                ) from None

    @property
    def addresses(self) -> list[str]:
        return [self.address.lower(), *split_addresses(self.aliases)]

    @property
    def imap_password(self) -> str:
        return secrets.decrypt(self.imap_password_encrypted)

    @imap_password.setter
    def imap_password(self, value: str) -> None:
        self.imap_password_encrypted = secrets.encrypt(value)

    @property
    def smtp_url(self) -> str:
        return secrets.decrypt(self.smtp_url_encrypted)

    @smtp_url.setter
    def smtp_url(self, value: str) -> None:
        self.smtp_url_encrypted = secrets.encrypt(value)


class Source(models.TextChoices):
    IMPORT = "import", _("Import")
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP")
    WEBHOOK = "webhook", _("Provider webhook")


class Outcome(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    CREATED = "created", _("New ticket")
    THREADED = "threaded", _("Added to a ticket")
    DUPLICATE = "duplicate", _("Duplicate")
    AUTO_REPLY = "auto_reply", _("Auto-reply")
    BOUNCE = "bounce", _("Bounce")
    SPAM = "spam", _("Spam")
    QUARANTINED = "quarantined", _("Quarantined")
    DISCARDED = "discarded", _("Discarded")


class InboundMail(models.Model):
    """Every mail that arrived, stored raw before it is parsed (DESIGN rule 3)."""

    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    raw = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(_("size"))
    source = models.CharField(_("source"), max_length=10, choices=Source)
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.SET_NULL, null=True, blank=True
    )
    envelope_recipient = models.CharField(_("envelope recipient"), max_length=254, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome, default=Outcome.RECEIVED
    )
    error = models.TextField(_("error"), blank=True)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True, blank=True
    )
    ticket_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("related ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The earlier ticket a reply from an unknown address referred to."),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        indexes = [models.Index(fields=["outcome", "-received_at"], name="inbound_outcome")]

    def __str__(self) -> str:
        return self.subject or self.message_id or f"#{self.pk}"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMail(models.Model):
    """The outbox: one mail to send, its retries and its delivery state (CH2)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_mail"
    )
    ticket_message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_mail"
    )
    mailbox = models.ForeignKey(Mailbox, on_delete=models.SET_NULL, null=True, blank=True)
    purpose = models.CharField(max_length=20)
    from_email = models.CharField(max_length=300)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, unique=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("delivery"), max_length=8, choices=DeliveryState, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class TicketCC(models.Model):
    """A customer copied on a ticket's mail (CH3, TK10)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="mail_ccs")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("ticket CC")
        verbose_name_plural = _("ticket CCs")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="ticketcc_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.ticket_id}"


class BlockedSender(models.Model):
    """Mail from this address, or from every address at this domain, is quarantined as spam."""

    pattern = models.CharField(
        _("address or domain"),
        max_length=254,
        unique=True,
        help_text=_("alice@example.com blocks one address; example.com blocks the domain."),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pattern"]
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")

    def __str__(self) -> str:
        return self.pattern
