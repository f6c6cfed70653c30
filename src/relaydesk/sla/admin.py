"""Configuration of calendars and policies in `/admin/` (SL1, SL2, AU6), beside the desk's
own pages (`views_setup`). Saving one recomputes the open tickets' due times in a task after
commit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from relaydesk.sla.configuration import recompute_after_commit
from relaydesk.sla.models import (
    BusinessRange,
    Calendar,
    EscalationRule,
    Holiday,
    Policy,
    Target,
)


class RecomputingAdmin(admin.ModelAdmin):
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        recompute_after_commit()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        recompute_after_commit()


class BusinessRangeInline(admin.TabularInline):
    model = BusinessRange
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(RecomputingAdmin):
    list_display = ["name", "time_zone", "country", "subdivision"]
    search_fields = ["name"]
    inlines = [BusinessRangeInline, HolidayInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class EscalationRuleInline(admin.TabularInline):
    model = EscalationRule
    extra = 0
    autocomplete_fields = ["agent"]


@admin.register(Policy)
class PolicyAdmin(RecomputingAdmin):
    list_display = ["name", "position", "is_active", "calendar", "at_risk_percent"]
    list_editable = ["position", "is_active"]
    filter_horizontal = ["departments", "organizations", "ticket_types", "tags"]
    inlines = [TargetInline, EscalationRuleInline]
