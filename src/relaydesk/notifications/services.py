"""Notifying agents (CO5): the one writer of `Notification` rows and reader of preferences.

`notify` keeps only agents who may see the ticket and are not the person who acted, applies
each one's choice (in the app, by mail, both, neither) and queues one mail task per recipient
after commit. The task waits `NOTIFY_MAIL_DELAY` seconds and then mails everything still
pending for that agent in one message, so a burst of events makes one mail, and what was read
in the desk meanwhile is not mailed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relaydesk.accounts.models import User
from relaydesk.mailtemplates import compose
from relaydesk.notifications.models import (
    DEFAULT_EMAIL,
    Event,
    MailState,
    Notification,
    Preference,
)
from relaydesk.tickets.models import Ticket
from relaydesk.tickets.visibility import visible_tickets

MAX_TEXT = 500
MAX_MAILED = 50


def choices(users: Iterable[User], event: str) -> dict[int, tuple[bool, bool]]:
    """(in app, by mail) for each user: their saved choice, else the default."""
    ids = [user.pk for user in users]
    default = (True, event in DEFAULT_EMAIL)
    found = {
        row.user_id: (row.in_app, row.email)
        for row in Preference.objects.filter(user_id__in=ids, event=event)
    }
    return {user_id: found.get(user_id, default) for user_id in ids}


def preferences(user: User) -> dict[str, tuple[bool, bool]]:
    return {event: choices([user], event)[user.pk] for event in Event.values}


@transaction.atomic
def save_preferences(user: User, wanted: dict[str, tuple[bool, bool]]) -> None:
    for event, (in_app, email) in wanted.items():
        if event not in Event.values:
            raise ValueError(event)
        Preference.objects.update_or_create(
            user=user, event=event, defaults={"in_app": in_app, "email": email}
        )


def may_see(user: User, ticket: Ticket | None) -> bool:
    return ticket is None or visible_tickets(user).filter(pk=ticket.pk).exists()


def notify(
    *,
    recipients: Iterable[User],
    event: str,
    ticket: Ticket | None,
    actor: User | None = None,
    text: str = "",
) -> list[Notification]:
    """Tell these agents; never the actor, never someone who cannot see the ticket."""
    people = {
        user.pk: user
        for user in recipients
        if user.is_active and user.is_agent and (actor is None or user.pk != actor.pk)
    }
    people = {pk: user for pk, user in people.items() if may_see(user, ticket)}
    if not people:  # a customer's reply on a ticket nobody owns or follows
        return []
    wanted = choices(people.values(), event)
    rows = [
        Notification(
            recipient=user,
            event=event,
            ticket=ticket,
            actor=actor,
            text=text[:MAX_TEXT],
            in_app=wanted[pk][0],
            mail_state=MailState.PENDING if wanted[pk][1] and user.email else MailState.NONE,
        )
        for pk, user in people.items()
        if any(wanted[pk])
    ]
    Notification.objects.bulk_create(rows)
    for row in rows:
        if row.mail_state == MailState.PENDING:
            transaction.on_commit(partial(_queue_mail, row.recipient_id))
    return rows


def _queue_mail(user_id: int) -> None:
    delay = dt.timedelta(seconds=settings.NOTIFY_MAIL_DELAY)
    if delay and mail_pending.get_backend().supports_defer:
        mail_pending.using(run_after=timezone.now() + delay).enqueue(user_id)
    else:
        mail_pending.enqueue(user_id)


# Reading -----------------------------------------------------------------------------------


def listed(user: User) -> QuerySet[Notification]:
    """A person's own notifications shown in the app, newest first."""
    return Notification.objects.filter(recipient=user, in_app=True).select_related(
        "ticket", "actor"
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at=None).count()


def mark_read(user: User, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; None when it is not theirs."""
    row = listed(user).filter(pk=notification_id).first()
    if row is not None and row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


def mark_all_read(user: User) -> int:
    return listed(user).filter(read_at=None).update(read_at=timezone.now())


def describe(row: Notification) -> str:
    """One line in the reader's language (call inside `translation.override`)."""
    number = row.ticket.number if row.ticket else ""
    actor = row.actor.display_name if row.actor else ""
    if row.event == Event.ASSIGNED:
        if actor:
            return _("%(actor)s assigned #%(number)s to you") % {"actor": actor, "number": number}
        return _("#%(number)s was assigned to you") % {"number": number}
    if row.event == Event.MENTIONED:
        return _("%(actor)s mentioned you on #%(number)s") % {"actor": actor, "number": number}
    if row.event == Event.CUSTOMER_REPLIED:
        return _("%(actor)s replied on #%(number)s") % {"actor": actor, "number": number}
    if row.event == Event.QUEUE_WAIT:
        return _("#%(number)s is waiting for an agent") % {"number": number}
    if row.event == Event.SLA_AT_RISK:
        return _("#%(number)s is at risk of missing its SLA") % {"number": number}
    if row.event == Event.SLA_BREACHED:
        return _("#%(number)s has breached its SLA") % {"number": number}
    return _("A trigger says about #%(number)s") % {"number": number}


# Mail --------------------------------------------------------------------------------------


@task()
def mail_pending(user_id: int) -> int:
    """Mail an agent everything pending for them in one message; the number mailed."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient=user, mail_state=MailState.PENDING)
            .select_related("ticket", "actor")
            .order_by("created_at", "id")[:MAX_MAILED]
        )
        unread = [row for row in rows if row.read_at is None]
        Notification.objects.filter(pk__in=[r.pk for r in unread]).update(mail_state=MailState.SENT)
        Notification.objects.filter(pk__in=[r.pk for r in rows if r.read_at]).update(
            mail_state=MailState.SKIPPED
        )
    if not unread:
        return 0
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        lines = [_line(row) for row in unread]
        summary = (
            describe(unread[0])
            if len(unread) == 1
            else ngettext("%(count)d new notification", "%(count)d new notifications", len(unread))
            % {"count": len(unread)}
        )
    mail = compose.compose(
        "agent_notification",
        language=language,
        values={
            "recipient.name": user.display_name,
            "notification.summary": summary,
            "notification.list": "\n\n".join(lines),
            "link.url": settings.BASE_URL + reverse("notifications:list"),
        },
    )
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(mail.html, "text/html")
    message.send()
    return len(unread)


def _line(row: Notification) -> str:
    parts = [f"• {describe(row)}"]
    if row.ticket is not None:
        parts.append(f"  {row.ticket.subject}")
        parts.append(f"  {settings.BASE_URL}{reverse('desk:ticket', args=[row.ticket.number])}")
    if row.text:
        parts.append("  " + " ".join(row.text.split())[:200])
    return "\n".join(parts)
