"""What the customer side keeps: mail preferences and satisfaction ratings (PO4, PO5)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import User
from relaydesk.tickets.models import Ticket


class MailPreference(models.Model):
    """A customer's choice about mail on their requests; no row means the default (mail on)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mail_preference")
    ticket_updates = models.BooleanField(_("mail me about my requests"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.ticket_updates else 'off'}"


def wants_ticket_mail(user: User) -> bool:
    return not MailPreference.objects.filter(user=user, ticket_updates=False).exists()


class Scale(models.TextChoices):
    GOOD_BAD = "good_bad", _("Good / bad")
    FIVE = "five", _("1 to 5")


class SatisfactionRating(models.Model):
    """The requester's rating of a solved request (PO5). Good / bad is kept as 5 / 1, so both
    scales average on one axis in reports; `scale` says which was offered."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    requester = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    scale = models.CharField(_("scale"), max_length=10, choices=Scale)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        indexes = [models.Index(fields=["created_at"], name="csat_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="csat_score_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score} on {self.ticket_id}"

    @property
    def label(self) -> str:
        return score_label(self.score, self.scale)


def score_label(score: int, scale: str) -> str:
    if scale == Scale.GOOD_BAD:
        return str(_("Good") if score >= 3 else _("Bad"))
    return f"{score}/5"


class WebForm(models.Model):
    """An embeddable contact form (PO3): its key is in the snippet; its tickets go to the
    department chosen here."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    thanks = models.CharField(
        _("thank-you text"), max_length=300, blank=True, help_text=_("Shown after sending.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")

    def __str__(self) -> str:
        return self.name
