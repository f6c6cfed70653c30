"""The desk's own rows: bulk changes over "all N matching" that run as tasks (TK14)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BulkJobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkJob(models.Model):
    """One change applied to every ticket a list's filters matched when it was asked for
    (ids up to `upto_id`), worked through in batches; the progress and the tickets refused
    are kept here for the page that follows it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_jobs"
    )
    query = models.JSONField(_("filters"), default=dict)
    changes = models.JSONField(_("changes"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=BulkJobState, default=BulkJobState.QUEUED
    )
    upto_id = models.BigIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    total = models.PositiveIntegerField(_("tickets"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    refused = models.JSONField(_("refused"), default=dict)  # number → reason, the first ones
    refused_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk change")
        verbose_name_plural = _("bulk changes")

    def __str__(self) -> str:
        return f"bulk change {self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.state in (BulkJobState.DONE, BulkJobState.FAILED)
