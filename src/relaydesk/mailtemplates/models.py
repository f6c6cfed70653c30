from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import User


class MailTemplate(models.Model):
    """An administrator's wording of one automatic mail in one language (AU5). Without a row,
    the built-in wording of `catalog.py` is sent."""

    purpose = models.CharField(_("mail"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["purpose", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language"], name="one_mail_template_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.language})"
