"""Every automatic mail: its built-in wording (subject and text, with placeholders) and the
placeholders it knows. An administrator's `MailTemplate` replaces the wording per language.

The built-in wording is assembled from the sentences the mails have always had (so their
translations keep working), with placeholders where the values go; call it inside
`translation.override`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relaydesk.automation import placeholders

TICKET = tuple(f"{a}.{b}" for a, b in placeholders.KNOWN)
SITE = ("site.name",)
NUMBER = "{{ ticket.number }}"
SUBJECT = "{{ ticket.subject }}"
LINK = "{{ link.url }}"
SITE_NAME = "{{ site.name }}"
RECIPIENT = "{{ recipient.name }}"
ACCOUNT = ("recipient.name", "link.url")


@dataclass(frozen=True)
class Purpose:
    key: str
    label: Promise
    subject: Callable[[], str]
    body: Callable[[], str]
    extra: tuple[str, ...] = ()
    about_ticket: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (*(TICKET if self.about_ticket else ()), *SITE, *self.extra)


def _hello(name: str = "{{ customer.first_name }}") -> str:
    return _("Hello %(name)s,") % {"name": name}


def _account(intro: str) -> str:
    ignore = _("If you did not ask for this, you can ignore this message.")
    return "\n\n".join([_hello(RECIPIENT), intro, LINK, ignore, "-- \n" + SITE_NAME])


def _sla(sentence: str) -> str:
    parts = [_hello(RECIPIENT), sentence % {"number": NUMBER}, f"{SUBJECT}\n{LINK}"]
    return "\n\n".join([*parts, "— " + SITE_NAME])


PURPOSES: dict[str, Purpose] = {
    p.key: p
    for p in [
        Purpose(
            "acknowledgement",
            gettext_lazy("New request received (to the customer)"),
            lambda: SUBJECT,
            lambda: (
                _hello()
                + "\n\n"
                + _(
                    "We have received your request and opened ticket #%(number)s. We will answer "
                    "as soon as we can."
                )
                % {"number": NUMBER}
            ),
        ),
        Purpose(
            "reply",
            gettext_lazy("An agent's reply (to the customer)"),
            lambda: _("[#%(number)s] Re: %(subject)s") % {"number": NUMBER, "subject": SUBJECT},
            lambda: "\n\n".join(
                [
                    _hello(),
                    "{{ message.body }}",
                    _("%(author)s, %(site)s") % {"author": "{{ agent.name }}", "site": SITE_NAME},
                ]
            ),
            extra=("message.body",),
        ),
        Purpose(
            "status",
            gettext_lazy("Status changed; satisfaction survey once solved (to the customer)"),
            lambda: (
                _("[#%(number)s] %(status)s: %(subject)s")
                % {"number": NUMBER, "status": "{{ ticket.status }}", "subject": SUBJECT}
            ),
            lambda: (
                _hello()
                + "\n\n"
                + _("Your request #%(number)s is now: %(status)s.")
                % {"number": NUMBER, "status": "{{ ticket.status }}"}
            ),
        ),
        Purpose(
            "account_signup",
            gettext_lazy("Portal: confirm the address of a new account"),
            lambda: _("Confirm your email address") + " · " + SITE_NAME,
            lambda: _account(_("Open this link to confirm your address and choose a password:")),
            extra=ACCOUNT,
            about_ticket=False,
        ),
        Purpose(
            "account_login",
            gettext_lazy("Portal: sign-in link"),
            lambda: _("Your sign-in link") + " · " + SITE_NAME,
            lambda: _account(_("Open this link within 15 minutes to sign in. It works once:")),
            extra=ACCOUNT,
            about_ticket=False,
        ),
        Purpose(
            "account_reset",
            gettext_lazy("Portal: choose a new password"),
            lambda: _("Choose a new password") + " · " + SITE_NAME,
            lambda: _account(_("Open this link to choose a new password for your account:")),
            extra=ACCOUNT,
            about_ticket=False,
        ),
        Purpose(
            "sla_at_risk",
            gettext_lazy("SLA target at risk (to agents)"),
            lambda: (
                _("SLA at risk: #%(number)s %(subject)s") % {"number": NUMBER, "subject": SUBJECT}
            ),
            lambda: _sla(_("Ticket #%(number)s is close to missing its service-level target.")),
            extra=ACCOUNT,
        ),
        Purpose(
            "sla_breached",
            gettext_lazy("SLA target missed (to agents)"),
            lambda: (
                _("SLA breached: #%(number)s %(subject)s") % {"number": NUMBER, "subject": SUBJECT}
            ),
            lambda: _sla(_("Ticket #%(number)s has missed its service-level target.")),
            extra=ACCOUNT,
        ),
        Purpose(
            "agent_notification",
            gettext_lazy("Notifications (to agents)"),
            lambda: "{{ notification.summary }} · {{ site.name }}",
            lambda: "\n\n".join(
                [
                    _hello(RECIPIENT),
                    "{{ notification.list }}",
                    _("All your notifications: %(url)s") % {"url": LINK},
                    "— " + SITE_NAME,
                ]
            ),
            extra=("recipient.name", "notification.summary", "notification.list", "link.url"),
            about_ticket=False,
        ),
    ]
}
