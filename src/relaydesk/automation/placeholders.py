"""`{{ ticket.number }}`-style placeholders in canned responses and automatic replies.

A deliberately tiny substitution, not the template engine: user-written text is never run as
a template. Only the names below are known; anything else is left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from relaydesk.accounts.models import User
from relaydesk.tickets.models import Priority, Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([a-z]+)\.([a-z_]+)\s*\}\}")

Getter = Callable[[Ticket, User | None], str]

KNOWN: dict[tuple[str, str], Getter] = {
    ("ticket", "number"): lambda t, a: str(t.number),
    ("ticket", "subject"): lambda t, a: t.subject,
    ("ticket", "status"): lambda t, a: t.status_label,
    ("ticket", "priority"): lambda t, a: str(Priority(t.priority).label),
    ("ticket", "department"): lambda t, a: t.department.name if t.department else "",
    ("customer", "name"): lambda t, a: t.requester.display_name,
    ("customer", "first_name"): lambda t, a: t.requester.first_name,
    ("customer", "email"): lambda t, a: t.requester.email,
    ("agent", "name"): lambda t, a: a.display_name if a else "",
    ("agent", "first_name"): lambda t, a: a.first_name if a else "",
}


def render(text: str, *, ticket: Ticket, agent: User | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        getter = KNOWN.get((match.group(1), match.group(2)))
        return getter(ticket, agent) if getter else match.group(0)

    return PLACEHOLDER.sub(value, text)


def names() -> list[str]:
    return [f"{{{{ {a}.{b} }}}}" for a, b in KNOWN]
