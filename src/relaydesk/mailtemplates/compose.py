"""The one way automatic mails get their words (AU5).

`compose(purpose, language=..., values=...)` picks the wording — the administrators' template
in the recipient's language, else theirs in the default language, else the built-in text in the
recipient's language — and fills its placeholders with a single pass of plain substitution:
the template engine never sees user text, and a value that looks like a placeholder (a ticket
subject "{{ customer.email }}") stays as written. The HTML part is the text, escaped, in the
common layout; each caller adds its own footer (links, signature), which stays built in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.automation import placeholders
from relaydesk.mailtemplates.catalog import PURPOSES, Purpose
from relaydesk.mailtemplates.models import MailTemplate
from relaydesk.tickets.models import Ticket

MAX_SUBJECT = 200
MAX_BODY = 10_000
BRACES = re.compile(r"\{\{(.*?)\}\}|\{%|%\}|\{#|#\}", re.DOTALL)


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


def ticket_values(ticket: Ticket, agent: User | None = None) -> dict[str, str]:
    return {f"{a}.{b}": get(ticket, agent) for (a, b), get in placeholders.KNOWN.items()}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders; anything else stays exactly as written."""

    def value(match: re.Match[str]) -> str:
        return values.get(f"{match.group(1)}.{match.group(2)}", match.group(0))

    return placeholders.PLACEHOLDER.sub(value, text)


def wording(purpose: str, language: str) -> tuple[str, str]:
    """(subject, body) before filling, in the order recipient's language, default language,
    built-in text."""
    stored = {
        t.language: t
        for t in MailTemplate.objects.filter(
            purpose=purpose, language__in={language, settings.LANGUAGE_CODE}
        )
    }
    found = stored.get(language) or stored.get(settings.LANGUAGE_CODE)
    if found is not None:
        return found.subject, found.body
    return builtin(purpose, language)


def builtin(purpose: str, language: str) -> tuple[str, str]:
    entry = PURPOSES[purpose]
    with translation.override(language):
        return entry.subject(), entry.body()


def compose(
    purpose: str,
    *,
    language: str,
    values: dict[str, str],
    ticket: Ticket | None = None,
    agent: User | None = None,
    footer_text: str = "",
    footer_html: str = "",
) -> Composed:
    subject, body = wording(purpose, language)
    return render(
        subject,
        body,
        language=language,
        values=values,
        ticket=ticket,
        agent=agent,
        footer_text=footer_text,
        footer_html=footer_html,
    )


def render(
    subject: str,
    body: str,
    *,
    language: str,
    values: dict[str, str],
    ticket: Ticket | None = None,
    agent: User | None = None,
    footer_text: str = "",
    footer_html: str = "",
) -> Composed:
    known = {"site.name": settings.SITE_NAME}
    with translation.override(language):
        if ticket is not None:
            known |= ticket_values(ticket, agent)
        known |= values
        text = fill(body, known).strip()
        html = render_to_string(
            "mailtemplates/layout.html", {"text": text, "footer": SafeString(footer_html)}
        )
    if footer_text:
        text += "\n\n" + footer_text.strip()
    text += "\n"
    return Composed(subject=" ".join(fill(subject, known).split()), text=text, html=html)


def check(purpose: Purpose, subject: str, body: str) -> None:
    """Refuse what would not render as meant: a field error per problem."""
    errors: dict[str, list[str]] = {}
    for name, text, limit in (("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY)):
        problems = []
        if not text.strip():
            problems.append(_("This field is required."))
        if len(text) > limit:
            problems.append(_("At most %(max)d characters.") % {"max": limit})
        if "\x00" in text:
            problems.append(_("The text contains a NUL character."))
        if name == "subject" and ("\n" in text or "\r" in text):
            problems.append(_("The subject is one line."))
        problems += _placeholder_problems(purpose, text)
        if problems:
            errors[name] = problems
    if errors:
        raise ValidationError(errors)


def _placeholder_problems(purpose: Purpose, text: str) -> list[str]:
    problems: list[str] = []
    for match in BRACES.finditer(text):
        inner = match.group(1)
        if inner is None:
            problems.append(
                _("Only {{ placeholders }} are supported; “%(mark)s” is not.")
                % {"mark": match.group(0)}
            )
            continue
        name = " ".join(inner.split())
        if not placeholders.PLACEHOLDER.fullmatch(match.group(0)) or name not in purpose.names:
            problems.append(_("Unknown placeholder “%(name)s”.") % {"name": match.group(0)[:60]})
    rest = BRACES.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append(_("A placeholder is not closed: write {{ name }}."))
    return problems
