"""Keeping administrators' mail templates: save (checked), reset to the built-in wording, and
the preview's sample values."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import Role, User
from relaydesk.mailtemplates import compose
from relaydesk.mailtemplates.catalog import PURPOSES, Purpose
from relaydesk.mailtemplates.models import MailTemplate
from relaydesk.tickets.models import Priority, StatusCategory, Ticket
from relaydesk.tickets.visibility import visible_tickets


def may_edit(user: User) -> bool:
    return user.is_active and user.role == Role.ADMIN


def _require(user: User) -> None:
    if not may_edit(user):
        raise PermissionDenied(_("Only administrators edit mail templates."))


def languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def purpose_of(key: str) -> Purpose | None:
    return PURPOSES.get(key)


def stored(purpose: str, language: str) -> MailTemplate | None:
    return MailTemplate.objects.filter(purpose=purpose, language=language).first()


@transaction.atomic
def save(user: User, *, purpose: str, language: str, subject: str, body: str) -> MailTemplate:
    _require(user)
    entry = PURPOSES.get(purpose)
    if entry is None or language not in dict(settings.LANGUAGES):
        raise ValidationError(_("There is no such mail template."))
    compose.check(entry, subject, body)
    template, _created = MailTemplate.objects.update_or_create(
        purpose=purpose,
        language=language,
        defaults={
            "subject": subject.strip(),
            "body": body.replace("\r\n", "\n"),
            "updated_at": timezone.now(),
            "updated_by": user,
        },
    )
    return template


def reset(user: User, *, purpose: str, language: str) -> bool:
    """Back to the built-in wording; whether there was a template to remove."""
    _require(user)
    deleted, _rows = MailTemplate.objects.filter(purpose=purpose, language=language).delete()
    return bool(deleted)


def sample_ticket(user: User, number: int | None) -> Ticket:
    """The ticket to preview with: the one asked for, else the newest, else a made-up one
    (never saved)."""
    tickets = visible_tickets(user).select_related("requester", "department", "custom_status")
    found = tickets.filter(number=number).first() if number else tickets.order_by("-id").first()
    if found is not None:
        return found
    requester = User(name=_("Carol Customer"), email="carol@example.com", role=Role.CUSTOMER)
    return Ticket(
        number=10042,
        subject=_("The printer does not print"),
        status=StatusCategory.OPEN,
        priority=Priority.NORMAL,
        requester=requester,
    )


def sample_values(user: User) -> dict[str, str]:
    return {
        "message.body": _("Thank you for your patience. The new part is on its way."),
        "recipient.name": user.first_name,
        "link.url": f"{settings.BASE_URL}/…",
        "notification.summary": _("Alice Agent mentioned you on #10042"),
        "notification.list": "• " + _("Alice Agent mentioned you on #10042"),
    }


def preview(
    user: User, *, purpose: Purpose, language: str, subject: str, body: str, number: int | None
) -> compose.Composed:
    _require(user)
    compose.check(purpose, subject, body)
    ticket = sample_ticket(user, number) if purpose.about_ticket else None
    return compose.render(
        subject,
        body,
        language=language,
        values=sample_values(user),
        ticket=ticket,
        agent=user,
    )
