"""Every automatic mail: its built-in wording (subject and text, with placeholders) and the
placeholders it knows. The built-in wording is translated like any other text; an
administrator's `MailTemplate` replaces it per language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relaydesk.automation import placeholders

TICKET = tuple(f"{a}.{b}" for a, b in placeholders.KNOWN)
SITE = ("site.name",)


@dataclass(frozen=True)
class Purpose:
    key: str
    label: Promise
    subject: Promise
    body: Promise
    extra: tuple[str, ...] = ()
    about_ticket: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (*(TICKET if self.about_ticket else ()), *SITE, *self.extra)


PURPOSES: dict[str, Purpose] = {
    p.key: p
    for p in [
        Purpose(
            "acknowledgement",
            _("New request received (to the customer)"),
            _("{{ ticket.subject }}"),
            _(
                "Hello {{ customer.first_name }},\n\nWe have received your request and opened "
                "ticket #{{ ticket.number }}. We will answer as soon as we can."
            ),
        ),
        Purpose(
            "reply",
            _("An agent's reply (to the customer)"),
            _("[#{{ ticket.number }}] Re: {{ ticket.subject }}"),
            _("Hello {{ customer.first_name }},\n\n{{ message.body }}\n\n{{ agent.name }}"),
            extra=("message.body",),
        ),
        Purpose(
            "status",
            _("Status changed; satisfaction survey once solved (to the customer)"),
            _("[#{{ ticket.number }}] {{ ticket.status }}: {{ ticket.subject }}"),
            _(
                "Hello {{ customer.first_name }},\n\nYour request #{{ ticket.number }} is now: "
                "{{ ticket.status }}."
            ),
        ),
        Purpose(
            "account_signup",
            _("Portal: confirm the address of a new account"),
            _("Confirm your email address · {{ site.name }}"),
            _(
                "Hello {{ recipient.name }},\n\nOpen this link to confirm your address and choose "
                "a password:\n\n{{ link.url }}\n\nIf you did not ask for this, you can ignore "
                "this message.\n\n-- \n{{ site.name }}"
            ),
            extra=("recipient.name", "link.url"),
            about_ticket=False,
        ),
        Purpose(
            "account_login",
            _("Portal: sign-in link"),
            _("Your sign-in link · {{ site.name }}"),
            _(
                "Hello {{ recipient.name }},\n\nOpen this link within 15 minutes to sign in. It "
                "works once:\n\n{{ link.url }}\n\nIf you did not ask for this, you can ignore "
                "this message.\n\n-- \n{{ site.name }}"
            ),
            extra=("recipient.name", "link.url"),
            about_ticket=False,
        ),
        Purpose(
            "account_reset",
            _("Portal: choose a new password"),
            _("Choose a new password · {{ site.name }}"),
            _(
                "Hello {{ recipient.name }},\n\nOpen this link to choose a new password for your "
                "account:\n\n{{ link.url }}\n\nIf you did not ask for this, you can ignore this "
                "message.\n\n-- \n{{ site.name }}"
            ),
            extra=("recipient.name", "link.url"),
            about_ticket=False,
        ),
        Purpose(
            "sla_at_risk",
            _("SLA target at risk (to agents)"),
            _("SLA at risk: #{{ ticket.number }} {{ ticket.subject }}"),
            _(
                "Hello {{ recipient.name }},\n\nTicket #{{ ticket.number }} is close to missing "
                "its service-level target.\n\n{{ ticket.subject }}\n{{ link.url }}\n\n"
                "— {{ site.name }}"
            ),
            extra=("recipient.name", "link.url"),
        ),
        Purpose(
            "sla_breached",
            _("SLA target missed (to agents)"),
            _("SLA breached: #{{ ticket.number }} {{ ticket.subject }}"),
            _(
                "Hello {{ recipient.name }},\n\nTicket #{{ ticket.number }} has missed its "
                "service-level target.\n\n{{ ticket.subject }}\n{{ link.url }}\n\n"
                "— {{ site.name }}"
            ),
            extra=("recipient.name", "link.url"),
        ),
        Purpose(
            "agent_notification",
            _("Notifications (to agents)"),
            _("{{ notification.summary }} · {{ site.name }}"),
            _(
                "Hello {{ recipient.name }},\n\n{{ notification.list }}\n\n"
                "All your notifications: {{ link.url }}\n\n— {{ site.name }}"
            ),
            extra=("recipient.name", "notification.summary", "notification.list", "link.url"),
            about_ticket=False,
        ),
    ]
}
