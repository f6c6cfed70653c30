"""Agents' notifications (CO5): what happened, to whom, read or not, mailed or not; and each
agent's choice per kind of event."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import User
from relaydesk.tickets.models import Ticket


class Event(models.TextChoices):
    ASSIGNED = "assigned", _("A ticket is assigned to me")
    MENTIONED = "mentioned", _("I am mentioned in an internal note")
    CUSTOMER_REPLIED = "customer_replied", _("A customer replies on my ticket")
    QUEUE_WAIT = "queue_wait", _("A ticket waits in the assignment queue too long")
    TRIGGER = "trigger", _("A trigger notifies me")
    SLA_AT_RISK = "sla_at_risk", _("A ticket of mine is at risk of missing its SLA")
    SLA_BREACHED = "sla_breached", _("A ticket of mine has breached its SLA")


# What an agent gets before choosing: everything in the app, mail for what needs them (the
# SLA's escalation rules mail whom their policy says already).
DEFAULT_EMAIL = {Event.ASSIGNED, Event.MENTIONED, Event.QUEUE_WAIT, Event.TRIGGER}


class MailState(models.TextChoices):
    NONE = "", _("Not mailed")
    PENDING = "pending", _("Waiting to be mailed")
    SENT = "sent", _("Mailed")
    SKIPPED = "skipped", _("Read before it was mailed")


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(blank=True)
    in_app = models.BooleanField(default=True)
    mail_state = models.CharField(max_length=10, choices=MailState, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at=None, in_app=True),
            ),
            models.Index(
                fields=["recipient"],
                name="notification_mail_pending",
                condition=models.Q(mail_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.recipient_id}"


class Preference(models.Model):
    """One agent's choice for one kind of event; no row means the defaults."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=20, choices=Event)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}"


class QueueAlert(models.Model):
    """A queued ticket whose long wait was announced: once per stay in the queue."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.ticket_id} announced ({self.queued_at})"
