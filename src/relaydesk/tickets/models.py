"""Tickets, their conversation, history and classification (TK1–TK6, TK11, TK12).

Rows here are written only by `relaydesk.tickets.services`; read them for a person only through
`relaydesk.tickets.visibility`.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Department, Organization, User


class StatusCategory(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class StatusGroup(models.TextChoices):
    """The three groups the desk shows."""

    ACTIVE = "active", _("Active")
    WAITING = "waiting", _("Waiting")
    CLOSED = "closed", _("Closed")


GROUP_STATUSES: dict[str, tuple[str, ...]] = {
    StatusGroup.ACTIVE: (StatusCategory.NEW, StatusCategory.OPEN),
    StatusGroup.WAITING: (StatusCategory.PENDING, StatusCategory.ON_HOLD),
    StatusGroup.CLOSED: (StatusCategory.SOLVED, StatusCategory.CLOSED),
}


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Portal")
    WEB_FORM = "web_form", _("Web form")
    CHAT = "chat", _("Chat")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    API = "api", _("API")
    INTERNAL = "internal", _("Internal")


class CustomStatus(models.Model):
    """An admin-defined status shown instead of its category's name (TK2)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=StatusCategory)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("custom status")
        verbose_name_plural = _("custom statuses")

    def __str__(self) -> str:
        return self.name


class TicketType(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="category_unique_root"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        node: Category | None = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            node = node.parent


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    DROPDOWN = "dropdown", _("Dropdown")
    CHECKBOX = "checkbox", _("Checkbox")


class CustomField(models.Model):
    """A field an admin adds to tickets, for all types or only some (TK3)."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=FieldKind)
    options = models.JSONField(
        _("options"), default=list, blank=True, help_text=_("Choices of a dropdown, a list.")
    )
    ticket_types = models.ManyToManyField(
        TicketType,
        verbose_name=_("ticket types"),
        blank=True,
        help_text=_("Leave empty for every type."),
    )
    customer_visible = models.BooleanField(_("visible to customers"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        options = self.options
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise ValidationError({"options": _("Options are a list of texts.")})
        if self.kind == FieldKind.DROPDOWN and not options:
            raise ValidationError({"options": _("A dropdown needs at least one option.")})
        if self.kind != FieldKind.DROPDOWN and options:
            raise ValidationError({"options": _("Only dropdowns have options.")})


class Ticket(models.Model):
    # The database default makes the INSERT return the number PostgreSQL's trigger gives.
    number = models.BigIntegerField(
        _("number"), unique=True, null=True, editable=False, db_default=None
    )
    subject = models.CharField(_("subject"), max_length=250)
    # The requester's, department's and assignee's lookups use the composite indexes that
    # start with them (Meta.indexes): a single-column index more would only slow every write.
    requester = models.ForeignKey(
        User,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requests",
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        User,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=StatusCategory, default=StatusCategory.NEW
    )
    custom_status = models.ForeignKey(
        CustomStatus,
        verbose_name=_("custom status"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.NORMAL
    )
    type = models.ForeignKey(
        TicketType, verbose_name=_("type"), on_delete=models.PROTECT, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    followers = models.ManyToManyField(
        User, verbose_name=_("followers"), blank=True, related_name="followed_tickets"
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    # Set by the archive job on closed tickets past RELAYDESK_ARCHIVE_AFTER_DAYS (TK13); the
    # status stays "closed", so a reply still opens a new linked ticket.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # When the status category last changed: the clock of time rules ("pending for 5 days").
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_tickets",
    )
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    linked = models.ManyToManyField(
        "self", verbose_name=_("linked tickets"), blank=True, symmetrical=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The desk's default list and its filtered variants, newest activity first.
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_updated"),
            models.Index(
                fields=["department", "status", "priority", "-updated_at", "-id"],
                name="ticket_dept_status_prio",
            ),
            models.Index(
                fields=["assignee", "status", "-updated_at", "-id"], name="ticket_assignee_status"
            ),
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            models.Index(fields=["channel", "-updated_at"], name="ticket_channel"),
            # The desk's sidebar counts: an index-only range scan over the open statuses.
            models.Index(fields=["status", "department", "assignee"], name="ticket_counts"),
            # Archive (TK13): the closed tickets still to archive, oldest first, and the
            # Archived list.
            models.Index(
                fields=["updated_at"],
                name="ticket_to_archive",
                condition=Q(status="closed", archived_at__isnull=True),
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                name="ticket_archived",
                condition=Q(archived_at__isnull=False),
            ),
            # Time rules' candidates: tickets in a status since before a cutoff.
            models.Index(fields=["status", "status_changed_at"], name="ticket_status_since"),
            # The wake-up sweep (TK8): only snoozed tickets are indexed.
            models.Index(
                fields=["snoozed_until"],
                name="ticket_snoozed_until",
                condition=Q(snoozed_until__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def status_label(self) -> str:
        if self.custom_status_id:
            return self.custom_status.name  # type: ignore[union-attr]
        return str(StatusCategory(self.status).label)

    @property
    def group(self) -> str:
        return next(g for g, statuses in GROUP_STATUSES.items() if self.status in statuses)

    @property
    def is_closed(self) -> bool:
        return self.status in GROUP_STATUSES[StatusGroup.CLOSED]


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System")


PUBLIC_MESSAGE_KINDS = (MessageKind.CUSTOMER, MessageKind.REPLY)


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")
    INTERNAL = "internal", _("Internal")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        User,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    mentions = models.ManyToManyField(
        User, verbose_name=_("mentioned"), blank=True, related_name="mentioned_in"
    )
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True, db_index=True)
    headers = models.JSONField(_("mail headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_MESSAGE_KINDS


def attachment_path(instance: Attachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    day = timezone.now().strftime("%Y/%m/%d")
    return f"attachments/{day}/{get_random_string(24)}{suffix}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    content_id = models.CharField(_("content ID"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    MESSAGE = "message", _("Message added")
    FIELD = "field", _("Field changed")
    TAGS = "tags", _("Tags changed")
    TRANSFER = "transfer", _("Transferred")
    TIME = "time", _("Time logged")


class TicketEvent(models.Model):
    """One immutable line of a ticket's history: who changed what, from what, to what."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=EventKind)
    field = models.CharField(max_length=60, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket")]

    def __str__(self) -> str:
        return f"{self.kind} {self.field} on {self.ticket_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Ticket events are immutable.")
        super().save(*args, **kwargs)


class TimeEntry(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    agent = models.ForeignKey(
        User, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="time_entries"
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.ticket_id}"


class TicketTally(models.Model):
    """How many tickets there are per (department, assignee, status): the desk's sidebar
    counts without counting a million rows. Kept by database triggers on `tickets_ticket`
    (migration 0004), so every write path, bulk updates included, keeps it exact in its own
    transaction. 0 stands for "no department" and "unassigned". On PostgreSQL each key is
    spread over a few `slot` rows so that concurrent writers do not queue on one hot row;
    readers sum the slots."""

    department_key = models.BigIntegerField()
    assignee_key = models.BigIntegerField()
    status = models.CharField(max_length=16)
    slot = models.SmallIntegerField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department_key", "assignee_key", "status", "slot"], name="tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_key}/{self.assignee_key}/{self.status}: {self.n}"


def ticket_number(ticket_id: int) -> int:
    return settings.TICKET_NUMBER_OFFSET + ticket_id
