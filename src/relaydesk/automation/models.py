"""Assignment (AU3): how each department hands out tickets, each agent's availability and
skills, and the first-in-first-out queue of tickets waiting for a free slot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import Department, User
from relaydesk.tickets.models import Category, StatusCategory, Ticket, TicketType


class Availability(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class AssignmentMode(models.TextChoices):
    MANUAL = "manual", _("Manual")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")


class Skill(models.Model):
    """A skill an agent has. A ticket tagged with a skill's name needs an agent with it."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class AgentState(models.Model):
    """An agent's availability, skills and languages. No row means online, no skills, and
    every language."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="agent_state")
    availability = models.CharField(
        _("availability"), max_length=8, choices=Availability, default=Availability.ONLINE
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Language codes this agent answers in; empty means every language."),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("agent state")
        verbose_name_plural = _("agent states")

    def __str__(self) -> str:
        return f"{self.user} ({self.availability})"


class DepartmentRouting(models.Model):
    """How a department hands out its new tickets. Its row is also the lock every assignment
    in the department takes, so two workers never hand out the same slot."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="routing")
    mode = models.CharField(
        _("assignment"), max_length=16, choices=AssignmentMode, default=AssignmentMode.MANUAL
    )
    sticky = models.BooleanField(
        _("sticky"),
        default=True,
        help_text=_("A customer's new request and replies go to the agent who last handled them."),
    )
    match_language = models.BooleanField(
        _("match the ticket's language"),
        default=False,
        help_text=_("Only hand a ticket to agents who answer in its language."),
    )
    last_agent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("department routing")
        verbose_name_plural = _("department routing")

    def __str__(self) -> str:
        return f"{self.department}: {self.mode}"


class QueueEntry(models.Model):
    """A ticket waiting for an agent with a free slot; the oldest is handed out first."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="queue_entry")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = _("queued ticket")
        verbose_name_plural = _("queued tickets")
        indexes = [models.Index(fields=["department", "queued_at", "id"], name="queue_fifo")]

    def __str__(self) -> str:
        return f"{self.ticket_id} waiting in {self.department_id}"


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


class TriggerOn(models.TextChoices):
    CREATED = "created", _("Ticket created")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    AGENT_REPLIED = "agent_replied", _("Agent replied")
    STATUS_CHANGED = "status_changed", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    UPDATED = "updated", _("Ticket updated")


class Match(models.TextChoices):
    ALL = "all", _("All conditions")
    ANY = "any", _("Any condition")


class Trigger(models.Model):
    """When something happens to a ticket and the conditions hold, do the actions (AU1)."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    on = models.CharField(_("when"), max_length=20, choices=TriggerOn, default=TriggerOn.CREATED)
    match = models.CharField(_("match"), max_length=3, choices=Match, default=Match.ALL)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        indexes = [models.Index(fields=["is_active", "on", "position"], name="trigger_active")]

    def __str__(self) -> str:
        return self.name


class RulesVersion(models.Model):
    """One row whose number is drawn anew on every change to triggers, their conditions and
    actions: each process keeps its compiled triggers while it stays the same
    (`automation.compiled`). Random rather than counted, so a rolled-back change never leaves
    a number that an earlier set of rules had."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("rules version")
        verbose_name_plural = _("rules version")

    def __str__(self) -> str:
        return str(self.version)


class Clock(models.TextChoices):
    STATUS = "status", _("In the status for")
    UPDATED = "updated", _("Not updated for")


class TimeRule(models.Model):
    """When a ticket has been in a status, or untouched, for a while and the conditions hold,
    do the actions (AU2). The periodic job `automation.periodic.time_rules` runs them; each
    rule acts at most once per ticket per episode (one stay in the status, or one quiet spell),
    which `TimeRuleMark` records."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=StatusCategory)
    clock = models.CharField(_("clock"), max_length=8, choices=Clock, default=Clock.STATUS)
    minutes = models.PositiveIntegerField(_("after (minutes)"))
    match = models.CharField(_("match"), max_length=3, choices=Match, default=Match.ALL)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("time rule")
        verbose_name_plural = _("time rules")

    def __str__(self) -> str:
        return self.name

    @property
    def clock_column(self) -> str:
        """The ticket column whose value starts an episode."""
        return "status_changed_at" if self.clock == Clock.STATUS else "updated_at"


class TimeRuleMark(models.Model):
    """What a time rule did with a ticket in one episode (`episode` = the value of the rule's
    clock column): it fired, or its conditions did not hold on the ticket as it was at `seen`
    (its `updated_at`), so it needs no second look until the ticket changes. Inserting the fired
    mark in the transaction of the actions is the claim: two workers never both act."""

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="marks")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    episode = models.DateTimeField()
    fired = models.BooleanField(default=False)
    seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "episode"], name="time_rule_mark_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.ticket_id} at {self.episode}"


class RulePart(models.Model):
    """A condition or an action: of a trigger or of a time rule, exactly one of the two."""

    trigger = models.ForeignKey(
        Trigger, on_delete=models.CASCADE, related_name="%(class)ss", null=True
    )
    time_rule = models.ForeignKey(
        TimeRule, on_delete=models.CASCADE, related_name="%(class)ss", null=True
    )

    class Meta:
        abstract = True
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger__isnull=False, time_rule__isnull=True)
                | Q(trigger__isnull=True, time_rule__isnull=False),
                name="%(class)s_of_one_rule",
            )
        ]


class Condition(RulePart):
    """One test of a trigger or a time rule."""

    field = models.CharField(_("field"), max_length=60)
    operator = models.CharField(_("operator"), max_length=16)
    value = models.CharField(_("value"), max_length=500, blank=True)

    class Meta(RulePart.Meta):
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return f"{self.field} {self.operator} {self.value}"


class Action(RulePart):
    """One action of a trigger or a time rule."""

    kind = models.CharField(_("action"), max_length=30)
    value = models.TextField(_("value"), max_length=5000, blank=True)

    class Meta(RulePart.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.kind}: {self.value[:40]}"


class CannedResponse(models.Model):
    """A ready answer with `{{ ticket.number }}`-style placeholders (AU4). Shared when it has no
    owner (kept by admins and supervisors); personal otherwise, seen by its owner only."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=20000)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty means any language."),
    )
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="canned_responses"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        indexes = [models.Index(fields=["owner", "title"], name="canned_owner_title")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class MacroAssign(models.TextChoices):
    """What a macro does with the assignee."""

    UNCHANGED = "", _("Unchanged")
    ME = "me", _("The agent applying it")
    AGENT = "agent", _("A chosen agent")
    NOBODY = "nobody", _("Nobody (unassign)")


class Macro(models.Model):
    """A reply and field changes applied to a ticket in one action (AU4). Shared when it has
    no owner (kept by admins and supervisors); personal otherwise, seen and kept by its owner
    only. Empty fields change nothing."""

    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="macros"
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty means any language."),
    )
    body = models.TextField(
        _("reply"),
        max_length=20000,
        blank=True,
        help_text=_("Sent as a public reply or an internal note; placeholders are filled in."),
    )
    internal = models.BooleanField(_("as an internal note"), default=False)
    status = models.CharField(_("set status"), max_length=30, blank=True)
    priority = models.PositiveSmallIntegerField(_("set priority"), null=True, blank=True)
    type = models.ForeignKey(
        TicketType, verbose_name=_("set type"), on_delete=models.PROTECT, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("set category"), on_delete=models.PROTECT, null=True, blank=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("transfer to department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assign = models.CharField(
        _("assignee"), max_length=10, blank=True, choices=MacroAssign, default=""
    )
    assignee = models.ForeignKey(
        User,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    add_tags = models.CharField(_("add tags"), max_length=500, blank=True)
    remove_tags = models.CharField(_("remove tags"), max_length=500, blank=True)
    custom_fields = models.JSONField(_("set custom fields"), default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        indexes = [models.Index(fields=["owner", "name"], name="macro_owner_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def tag_names(self) -> list[str]:
        return split_tags(self.add_tags)

    @property
    def removed_tag_names(self) -> list[str]:
        return split_tags(self.remove_tags)


def split_tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.split(",")) if t]
