"""`@name` and `@email` mentions in an internal note.

A mention is `@` at the start of the text or after a character that cannot be part of an
address (so `bob@example.com` in a sentence is no mention), followed by an agent's email
address or by a short name: an agent's first name or the part of their address before the `@`,
matched without case and only when exactly one active agent answers to it. The patterns are
bounded and linear; at most `MAX_MENTIONS` are read from one note."""

from __future__ import annotations

import re

from relaydesk.accounts.models import Role, User

MAX_MENTIONS = 20
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]{1,64}(?:@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})?)")


def mentioned_names(text: str) -> list[str]:
    found: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".").lower()
        if name and name not in found:
            found.append(name)
        if len(found) == MAX_MENTIONS:
            break
    return found


def mentioned_agents(text: str) -> list[User]:
    names = mentioned_names(text)
    if not names:
        return []
    agents = list(User.objects.filter(is_active=True).exclude(role=Role.CUSTOMER))
    people: dict[int, User] = {}
    for name in names:
        if "@" in name:
            matches = [a for a in agents if a.email.lower() == name]
        else:
            matches = [
                a
                for a in agents
                if a.email.lower().partition("@")[0] == name or a.first_name.lower() == name
            ]
        if len(matches) == 1:
            people[matches[0].pk] = matches[0]
    return list(people.values())
