"""SLA configuration (calendars, policies, escalation rules) and what it produced per ticket:
the clock state, one record per target cycle (achieved or breached, for the report) and the
escalations that fired (SL1–SL4, AU6).

The due times themselves are the ticket's own columns (`first_response_due_at`,
`next_response_due_at`, `resolution_due_at`, not indexed: nothing searches them); `TicketSla`
keeps the earliest of them with its at-risk instant, so the desk sorts and filters by one indexed
column.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Department, Organization, User
from relaydesk.tickets.models import (
    Channel,
    Priority,
    StatusCategory,
    Tag,
    Ticket,
    TicketType,
)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."))


class Calendar(models.Model):
    """Business hours in a time zone with the holidays of a country (and region) plus custom
    closed dates (SL2)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    country = models.CharField(
        _("holidays of country"),
        max_length=3,
        blank=True,
        help_text=_("ISO code, e.g. RO, PL, RU, IR, US. Leave empty for no public holidays."),
    )
    subdivision = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("e.g. NY for New York state.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from relaydesk.sla.calendars import country_holidays

        self.country = self.country.strip().upper()
        self.subdivision = self.subdivision.strip().upper()
        if self.subdivision and not self.country:
            raise ValidationError({"subdivision": _("A region needs a country.")})
        if self.country:
            try:
                country_holidays(self.country, self.subdivision)
            except NotImplementedError:
                raise ValidationError(
                    {"country": _("The holidays of this country or region are not known.")}
                ) from None


class BusinessRange(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="ranges")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start = models.TimeField(_("opens"))
    end = models.TimeField(
        _("closes"), help_text=_("A closing time not after the opening time runs overnight.")
    )

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Holiday(models.Model):
    """A custom closed date of a calendar, besides the country's public holidays."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("custom holiday")
        verbose_name_plural = _("custom holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_holiday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


def default_pause_statuses() -> list[str]:
    return [StatusCategory.PENDING, StatusCategory.ON_HOLD]


class Policy(models.Model):
    """Targets for the tickets it matches. Policies are tried in position order; the first whose
    conditions all hold applies (SL1). An empty condition holds for every ticket."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leave empty to count every hour (24/7)."),
    )
    pause_statuses = models.JSONField(
        _("pause in statuses"),
        default=default_pause_statuses,
        blank=True,
        help_text=_("Status categories that stop the clock: pending, on_hold."),
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        _("at-risk threshold, percent of the target used"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    priorities = models.JSONField(
        _("priorities"), default=list, blank=True, help_text=_("e.g. [3, 4]; empty for all.")
    )
    channels = models.JSONField(
        _("channels"), default=list, blank=True, help_text=_('e.g. ["email"]; empty for all.')
    )
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), blank=True)
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True
    )
    ticket_types = models.ManyToManyField(TicketType, verbose_name=_("types"), blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, help_text=_("The ticket has all of them.")
    )
    custom_fields = models.JSONField(
        _("custom field values"),
        default=dict,
        blank=True,
        help_text=_('e.g. {"plan": "gold"}: every key has this value.'),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not _is_list_of(self.pause_statuses, str, StatusCategory.values) or set(
            self.pause_statuses
        ) - {StatusCategory.PENDING, StatusCategory.ON_HOLD}:
            errors["pause_statuses"] = _("A list of: pending, on_hold.")
        if not _is_list_of(self.priorities, int, Priority.values):
            errors["priorities"] = _("A list of priorities 1 to 4.")
        if not _is_list_of(self.channels, str, Channel.values):
            errors["channels"] = _("A list of known channels.")
        if not isinstance(self.custom_fields, dict) or not all(
            isinstance(v, str | int | float | bool) for v in self.custom_fields.values()
        ):
            errors["custom_fields"] = _("A mapping of field key to value.")
        if errors:
            raise ValidationError(errors)


def _is_list_of(value: object, kind: type, allowed: list) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, kind) and not isinstance(v, bool) and v in allowed for v in value
    )


class Target(models.Model):
    """A policy's promise for one priority, in business minutes; empty means no promise."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority)
    first_response = models.PositiveIntegerField(
        _("first response (min)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    next_response = models.PositiveIntegerField(
        _("next response (min)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    resolution = models.PositiveIntegerField(
        _("resolution (min)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["-priority"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_priority_display()}"


class Kind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class Stage(models.TextChoices):
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class Action(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
    NOTIFY_SUPERVISORS = "notify_supervisors", _("Notify the department's supervisors")
    NOTIFY_DEPARTMENT = "notify_department", _("Notify the department")
    REASSIGN = "reassign", _("Reassign")
    RAISE_PRIORITY = "raise_priority", _("Raise the priority")
    ADD_NOTE = "add_note", _("Add an internal note")


class EscalationRule(models.Model):
    """What happens when a ticket under this policy becomes at risk or breaches (AU6)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="escalations")
    stage = models.CharField(_("when"), max_length=10, choices=Stage)
    kind = models.CharField(
        _("target"), max_length=16, choices=Kind, blank=True, help_text=_("Empty for any.")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    agent = models.ForeignKey(
        User,
        verbose_name=_("reassign to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        limit_choices_to={"role__in": ["admin", "supervisor", "agent"], "is_active": True},
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        ordering = ["stage", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_action_display()}"

    def clean(self) -> None:
        if self.action == Action.REASSIGN and self.agent_id is None:
            raise ValidationError({"agent": _("Choose the agent to reassign to.")})
        if self.action == Action.ADD_NOTE and not self.note.strip():
            raise ValidationError({"note": _("Write the note to add.")})


class TicketSla(models.Model):
    """The clock of one ticket: its policy, whether it is paused, and the earliest active due
    time with its at-risk instant (what the desk sorts, filters and colours by)."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="sla"
    )
    policy = models.ForeignKey(Policy, on_delete=models.SET_NULL, null=True, related_name="+")
    paused = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True)
    risk_at = models.DateTimeField(null=True)
    due_kind = models.CharField(max_length=16, choices=Kind, blank=True)
    # The next escalation instant (at risk or breach of an open cycle not escalated yet); its
    # timer task runs then and is ignored if this has changed since.
    timer_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"], name="sla_ticket_due", condition=models.Q(due_at__isnull=False)
            ),
            models.Index(
                fields=["risk_at"],
                name="sla_ticket_risk",
                condition=models.Q(risk_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"SLA of ticket {self.ticket_id}"


class Record(models.Model):
    """One target cycle of a ticket: when it started, was due and was met. Rebuilt from the
    ticket's history on every change; `breached_at` is kept once seen (SL4)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_records")
    kind = models.CharField(max_length=16, choices=Kind)
    started_at = models.DateTimeField()
    policy = models.ForeignKey(Policy, on_delete=models.SET_NULL, null=True, related_name="+")
    # The assignee when the target was breached (or met, if it was not): from the ticket's
    # history, so a later reassignment does not move the breach to another agent.
    agent = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    due_at = models.DateTimeField(null=True)
    risk_at = models.DateTimeField(null=True)
    met_at = models.DateTimeField(null=True)
    breached_at = models.DateTimeField(null=True)
    escalated = models.CharField(max_length=10, choices=Stage, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "started_at"], name="sla_record_unique"
            )
        ]
        indexes = [models.Index(fields=["started_at"], name="sla_record_started")]

    def __str__(self) -> str:
        return f"{self.kind} of ticket {self.ticket_id} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def achieved(self) -> bool:
        return self.met_at is not None and self.breached_at is None


class Escalation(models.Model):
    """An escalation that fired: at most one per cycle and stage, whoever runs the task."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="escalations")
    stage = models.CharField(max_length=10, choices=Stage)
    fired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="sla_escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.stage} of record {self.record_id}"
