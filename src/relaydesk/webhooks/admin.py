"""Webhook endpoints and their delivery log in `/admin/` (administrators only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import User
from relaydesk.webhooks import keys, outbox, transport
from relaydesk.webhooks.models import Delivery, Endpoint, EventType


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every event."),
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            transport.check_url(url)
        except transport.Refused as refused:
            raise ValidationError(str(refused)) from None
        return url


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "is_active", "consecutive_failures", "disabled_reason"]
    list_filter = ["is_active"]
    readonly_fields = ["signing_secret", "consecutive_failures", "disabled_reason"]

    @admin.display(description=_("Signing secret"))
    def signing_secret(self, endpoint: Endpoint) -> str:
        return keys.unseal(endpoint.sealed_secret) if endpoint.sealed_secret else "—"

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        if not obj.sealed_secret:
            obj.sealed_secret = keys.seal(keys.new_secret())
            obj.created_by = request.user if isinstance(request.user, User) else None
        if obj.is_active:  # turned on again: count failures afresh
            obj.consecutive_failures, obj.disabled_reason = 0, ""
        obj.events = sorted(obj.events or [])
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "endpoint", "event_type", "state", "attempts", "last_status"]
    list_filter = ["state", "event_type", "endpoint"]
    actions = ["redeliver"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected events again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        assert isinstance(request.user, User)
        sent = 0
        for delivery in queryset:
            try:
                outbox.redeliver(delivery, actor=request.user)
                sent += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if sent:
            self.message_user(request, _("%(n)d deliveries queued again.") % {"n": sent})
