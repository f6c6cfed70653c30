"""Saved views of the ticket list (VI1, VI2): a name, the list's filters, columns and sort."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A personal view belongs to its owner alone; a shared view is offered to every agent and
    managed by administrators and supervisors. Either way the tickets come through the
    visibility door of the person looking, so a shared view never widens what anyone sees."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    shared = models.BooleanField(_("shared"), default=False)
    name = models.CharField(_("name"), max_length=80)
    # The list's query parameters (group, queue and the filter form's fields) as strings.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    sort = models.CharField(_("sort"), max_length=20, default="-updated")
    position = models.PositiveIntegerField(_("position"), default=0)
    hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["shared", "owner", "position"])]

    def __str__(self) -> str:
        return self.name


class ViewPreference(models.Model):
    """One person's place for a view in their own sidebar, and whether they hid it there: an
    agent hides or reorders a shared view for themselves only. No row: the view's own place."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="view_preferences"
    )
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="preferences")
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("view preference")
        verbose_name_plural = _("view preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "view"], name="view_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.view} ({self.user})"
