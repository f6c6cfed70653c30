"""Mail configuration and the quarantine in `/admin/` (administrators only): mailboxes with
encrypted passwords, inbound mail with retry/discard, the outbox, blocked senders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relaydesk.mail import ingest
from relaydesk.mail.models import (
    BlockedSender,
    DeliveryState,
    InboundMail,
    Mailbox,
    OutboundMail,
    Outcome,
)
from relaydesk.mail.outbound import deliver
from relaydesk.settings import mailer_from_url


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )
    smtp_url = forms.CharField(
        label=_("SMTP server"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_(
            "smtp://user:password@host:port (add ?tls for STARTTLS), submission://… or "
            "smtps://…. Stored encrypted. Leave empty to keep the current one; without one "
            "the site's EMAIL_URL sends."
        ),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "aliases",
            "department",
            "sender_name",
            "signature",
            "language",
            "send_acknowledgement",
            "send_conversation",
            "is_active",
            "imap_host",
            "imap_port",
            "imap_ssl",
            "imap_username",
            "imap_folder",
        ]

    def clean_smtp_url(self) -> str:
        url = self.cleaned_data["smtp_url"].strip()
        if url and str(mailer_from_url(url)["BACKEND"]).startswith("invalid"):
            raise forms.ValidationError(_("Use an smtp://, submission:// or smtps:// address."))
        return url

    def save(self, commit: bool = True) -> Mailbox:
        mailbox: Mailbox = super().save(commit=False)
        if self.cleaned_data.get("imap_password"):
            mailbox.imap_password = self.cleaned_data["imap_password"]
        if self.cleaned_data.get("smtp_url"):
            mailbox.smtp_url = self.cleaned_data["smtp_url"]
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "department", "is_active", "last_checked_at"]
    list_filter = ["is_active", "department"]
    readonly_fields = ["last_checked_at", "last_error"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "mailbox", "outcome", "ticket", "error"]
    list_filter = ["outcome", "source", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    actions = ["retry", "discard"]
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name != "raw"] + ["raw_text"]
    exclude = ["raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("original mail"))
    def raw_text(self, obj: InboundMail) -> str:
        return bytes(obj.raw)[:200_000].decode("utf-8", "replace")

    @admin.action(description=_("Process the selected mail again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        held = queryset.filter(outcome=Outcome.QUARANTINED)
        results = [ingest.retry(row, actor=request.user) for row in held]  # type: ignore[arg-type]
        failed = results.count(Outcome.QUARANTINED)
        done = len(results) - failed
        self.message_user(
            request,
            ngettext("%(n)d mail processed.", "%(n)d mails processed.", done) % {"n": done},
        )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(n)d mail is still quarantined.", "%(n)d mails are still quarantined.", failed
                )
                % {"n": failed},
                messages.WARNING,
            )

    @admin.action(description=_("Discard the selected quarantined mail"))
    def discard(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        for row in queryset.filter(outcome=Outcome.QUARANTINED):
            ingest.discard(row, actor=request.user)  # type: ignore[arg-type]


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "state", "attempts", "last_error", "sent_at"]
    list_filter = ["state", "purpose", "mailbox"]
    search_fields = ["subject", "message_id"]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed mail again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        ids = list(queryset.filter(state=DeliveryState.FAILED).values_list("pk", flat=True))
        OutboundMail.objects.filter(pk__in=ids).update(state=DeliveryState.QUEUED, attempts=0)
        for pk in ids:
            deliver.enqueue(pk)


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    list_display = ["pattern", "created_by", "created_at"]
    search_fields = ["pattern"]
    exclude = ["created_by"]

    def save_model(self, request: HttpRequest, obj: BlockedSender, form: Any, change: bool) -> None:
        obj.pattern = obj.pattern.strip().lower()
        obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
