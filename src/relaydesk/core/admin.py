from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from relaydesk.core.models import PeriodicRun


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    """Read-only: the scheduler writes these rows; admins look at when jobs ran and how."""

    list_display = ["name", "next_run_at", "last_started_at", "last_finished_at", "failed"]
    readonly_fields = ["name", "next_run_at", "last_started_at", "last_finished_at", "last_error"]

    @admin.display(boolean=True, description=_("failed"))
    def failed(self, run: PeriodicRun) -> bool:
        return bool(run.last_error)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
